"""Nightly forecasts: ingest the landing folders, features, forecasts and monitoring of one night.

Runs after each day's candles close (@daily: the run for day D starts at D+1 00:00 UTC, its
data_interval_end, which is the as-of). Catchup is on, so a paused or new deployment backfills
night by night, each run reading and writing exactly its own as-of; max_active_runs=1 and the
writer pool keep one writer per Delta table. Once a week (the night whose as-of is a Sunday) the
tables' upkeep follows: `maintain` compacts the nights' small files and vacuums old ones.
"""

from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.operators.python import ShortCircuitOperator

from forecaster_common import AS_OF, CONFIG_FILE, DEFAULT_ARGS, is_upkeep_night, spark_submit

DAG_ID = "forecaster_nightly"

with DAG(
    dag_id=DAG_ID,
    description="forecaster nightly: ingest + features + forecast + monitor; weekly table upkeep",
    schedule="@daily",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=True,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    dagrun_timeout=timedelta(hours=6),
    tags=["forecaster"],
) as dag:
    nightly = spark_submit(
        task_id="nightly",
        application_args=["nightly", "--conf", CONFIG_FILE, "--as-of", AS_OF],
    )
    # Active alerts fail this task (exit code 3) and so call the failure callback; not retried,
    # since re-running finds the same alerts.
    alerts = spark_submit(
        task_id="alerts",
        application_args=["monitor", "--conf", CONFIG_FILE, "--as-of", AS_OF, "--fail-on-alert"],
        retries=0,
    )

    # Weekly upkeep: on the other six nights this skips `maintain`. After the nightly whatever
    # its outcome (a bad landing file fails a night, and must not also skip the week's upkeep),
    # and not after `alerts`, which an alert lasting weeks would keep failing.
    upkeep_night = ShortCircuitOperator(
        task_id="upkeep_night",
        python_callable=is_upkeep_night,
        op_kwargs={"as_of": AS_OF},
        trigger_rule="all_done",
    )
    # OPTIMIZE + VACUUM of every table; in the writer pool like every Spark task, so it never runs
    # beside a job that writes the tables. Idempotent and safe to kill, so the retries are fine.
    maintain = spark_submit(
        task_id="maintain",
        application_args=["maintain", "--conf", CONFIG_FILE],
    )

    nightly >> alerts
    nightly >> upkeep_night >> maintain
