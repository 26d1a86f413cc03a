"""Monthly retraining: train, backtest and gate every horizon, then branch on the gate outcome.

The retrain writes its outcome (`--result-json`); the branch follows `promoted` when a candidate
passed the gate and replaced the promoted model, `kept_current_model` otherwise. Catchup is off:
only the latest month's models matter, and a backfilled retrain at an old as-of must not replace
a newer model. One run at a time, in the same writer pool as the nightly (one writer per table).
"""

from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.operators.empty import EmptyOperator
from airflow.operators.python import BranchPythonOperator

from forecaster_common import (
    AS_OF,
    CONFIG_FILE,
    DEFAULT_ARGS,
    RETRAIN_RESULT,
    TASK_KEPT,
    TASK_PROMOTED,
    gate_branch,
    spark_submit,
)

DAG_ID = "forecaster_monthly_retrain"

with DAG(
    dag_id=DAG_ID,
    description="forecaster monthly retrain: train + backtest + gate per horizon",
    schedule="@monthly",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    dagrun_timeout=timedelta(hours=12),
    tags=["forecaster"],
) as dag:
    retrain = spark_submit(
        task_id="retrain",
        application_args=[
            "retrain",
            "--conf",
            CONFIG_FILE,
            "--as-of",
            AS_OF,
            "--result-json",
            RETRAIN_RESULT,
        ],
    )
    gate_outcome = BranchPythonOperator(
        task_id="gate_outcome",
        python_callable=gate_branch,
        op_kwargs={"result_json": RETRAIN_RESULT},
    )
    promoted = EmptyOperator(task_id=TASK_PROMOTED)
    kept_current_model = EmptyOperator(task_id=TASK_KEPT)

    retrain >> gate_outcome >> [promoted, kept_current_model]
