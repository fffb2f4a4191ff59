"""Kindling's side-by-side benchmark (bench/README.md): the workloads as Airflow DAGs.

Every task is a TaskFlow @task that returns at once (EmptyOperator is marked done by the scheduler without running,
so it would not measure a task hand-off). Sizes come from workloads.json next to this file.
"""
import json
import os

import pendulum
from airflow.sdk import DAG, task

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "workloads.json")) as f:
    SIZES = json.load(f)

START = pendulum.datetime(2026, 1, 1, tz="UTC")


@task
def noop():
    return None


with DAG("kb_chain", schedule=None, start_date=START, catchup=False, is_paused_upon_creation=False):
    previous = None
    for i in range(SIZES["chain"]):
        t = noop.override(task_id=f"t{i:02d}")()
        if previous is not None:
            previous >> t
        previous = t

with DAG("kb_wide", schedule=None, start_date=START, catchup=False, is_paused_upon_creation=False):
    end = noop.override(task_id="end")()
    for i in range(SIZES["wide"]):
        noop.override(task_id=f"t{i:03d}")() >> end

with DAG("kb_one", schedule=None, start_date=START, catchup=False, is_paused_upon_creation=False):
    noop.override(task_id="t")()

for i in range(SIZES["crons"]):
    with DAG(f"kb_cron_{i:03d}", schedule="* * * * *", start_date=START, catchup=False,
             is_paused_upon_creation=True):
        noop.override(task_id="t")()
