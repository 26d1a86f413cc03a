"""Shared construction of the forecaster DAGs' tasks.

One place for what every task has in common: the application jar and the config file (Airflow
Variables, read when a task runs, never when the DAG file is parsed), the as-of of a run (the end
of its data interval), retries, the failure callback, and the single-writer rule for Delta on S3.

Airflow is imported only inside the functions that build operators, so this module imports on a
machine without Airflow: the DAG tests (test_dags.py) check its pure parts there.

Airflow setup (once):
    airflow variables set forecaster_jar /opt/forecaster/forecaster-jobs.jar
    airflow variables set forecaster_conf /opt/forecaster/conf/s3.conf
    airflow variables set forecaster_result_dir /shared/forecaster/results
    airflow pools set forecaster_delta_writer 1 "one forecaster Spark job at a time (Delta on S3)"
and a Spark connection `spark_default` whose host is the master (spark://host:7077, yarn, k8s://...).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone

log = logging.getLogger(__name__)

MAIN_CLASS = "dev.forecaster.cli.ForecasterCli"

# Airflow Variables, rendered when the task runs.
APPLICATION_JAR = "{{ var.value.forecaster_jar }}"
CONFIG_FILE = "{{ var.value.forecaster_conf }}"
RESULT_DIR = "{{ var.value.forecaster_result_dir }}"

# The as-of of a run: the end of its data interval. For @daily that is the midnight after the
# day, when the day's candles have closed; a backfilled run gets its own night, never "now".
AS_OF = "{{ data_interval_end | ts }}"

# The retrain outcome of a run, written by the retrain task and read by the branch after it. The
# Spark driver writes it (client deploy mode: on the Airflow worker), so forecaster_result_dir must
# be a folder both tasks see: a shared mount with the Celery or Kubernetes executor.
RETRAIN_RESULT = RESULT_DIR + "/retrain-{{ data_interval_end | ts_nodash }}.json"

SPARK_CONN_ID = "spark_default"

# Delta on S3 allows one writer per table at a time (no atomic put-if-absent). Both DAGs write
# forecaster tables (nightly: prices ... forecasts, monitor tables; retrain: the registry, which a
# nightly also touches when a model fails to load), so every forecaster Spark task takes the one
# slot of this pool, and each DAG has max_active_runs=1.
WRITER_POOL = "forecaster_delta_writer"

TASK_PROMOTED = "promoted"
TASK_KEPT = "kept_current_model"

# Weekly table upkeep (`maintain`: OPTIMIZE + VACUUM of every table) follows the nightly whose
# as-of falls on this weekday (datetime.weekday(), UTC): 6 = Sunday 00:00, after Saturday's candles.
UPKEEP_WEEKDAY = 6


def on_failure(context):
    """Failure callback of every forecaster task: the hook point for alerting.

    Logs which task of which run failed and where its log is; replace or extend the body to page
    someone (Slack, PagerDuty, email) without touching the DAGs.
    """
    ti = context.get("task_instance")
    log.error(
        "forecaster task failed: dag=%s task=%s run=%s try=%s log=%s exception=%s",
        getattr(ti, "dag_id", None),
        getattr(ti, "task_id", None),
        context.get("run_id"),
        getattr(ti, "try_number", None),
        getattr(ti, "log_url", None),
        context.get("exception"),
    )


DEFAULT_ARGS = {
    "owner": "forecaster",
    "depends_on_past": False,
    "retries": 2,
    "retry_delay": timedelta(minutes=10),
    "on_failure_callback": on_failure,
}


def spark_submit_kwargs(task_id, application_args):
    """The SparkSubmitOperator arguments of a forecaster command (pure data, no Airflow)."""
    return {
        "task_id": task_id,
        "conn_id": SPARK_CONN_ID,
        "application": APPLICATION_JAR,
        "java_class": MAIN_CLASS,
        "name": "forecaster-" + task_id,
        "application_args": list(application_args),
        "pool": WRITER_POOL,
    }


def spark_submit(task_id, application_args, **overrides):
    """A SparkSubmitOperator running `forecaster <application_args>` from the application jar."""
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    kwargs = spark_submit_kwargs(task_id, application_args)
    kwargs.update(overrides)
    return SparkSubmitOperator(**kwargs)


def is_upkeep_night(as_of, weekday=UPKEEP_WEEKDAY):
    """True when the night's as-of (an ISO-8601 instant, the rendered AS_OF) is the upkeep weekday.

    Decided by the run's own as-of, never the clock: a backfill maintains the tables after each
    Sunday it replays, exactly as the live schedule does.
    """
    at = datetime.fromisoformat(as_of.replace("Z", "+00:00"))
    if at.tzinfo is None:
        raise ValueError(f"{as_of}: an as-of without a time zone")
    return at.astimezone(timezone.utc).weekday() == weekday


def gate_branch(result_json):
    """The task to follow a retrain: TASK_PROMOTED if any horizon's candidate was promoted.

    Reads the file written by `retrain --result-json`. A missing or malformed file fails the task
    (the retrain did not finish as expected), rather than silently choosing a branch.
    """
    with open(result_json, encoding="utf-8") as f:
        result = json.load(f)
    horizons = result["horizons"]
    promoted = [h for h in horizons if h["promoted"]]
    if bool(result["any_promoted"]) != bool(promoted):
        raise ValueError(f"{result_json}: any_promoted disagrees with the horizons")
    for h in horizons:
        log.info(
            "horizon %s: %s %s gate %s, status %s",
            h["horizon_minutes"], h["model_name"], h["version"], h["gate"], h["status"],
        )
    return TASK_PROMOTED if promoted else TASK_KEPT
