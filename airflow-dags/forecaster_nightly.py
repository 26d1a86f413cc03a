"""Nightly forecasts: ingest the landing folders, features, forecasts and monitoring of one night.

Runs after each day's candles close (@daily: the run for day D starts at D+1 00:00 UTC, its
data_interval_end, which is the as-of). Catchup is on, so a paused or new deployment backfills
night by night, each run reading and writing exactly its own as-of; max_active_runs=1 and the
writer pool keep one writer per Delta table.
"""

from datetime import timedelta

import pendulum
from airflow import DAG

from forecaster_common import AS_OF, CONFIG_FILE, DEFAULT_ARGS, spark_submit

DAG_ID = "forecaster_nightly"

with DAG(
    dag_id=DAG_ID,
    description="forecaster nightly: ingest + features + forecast + monitor for one as-of",
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

    nightly >> alerts
