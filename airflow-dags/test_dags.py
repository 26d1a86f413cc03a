"""Tests of the Airflow DAGs that run without Airflow (python3 -m unittest discover -s airflow-dags).

Airflow cannot be installed here, so these prove what can be proven without it: the files compile;
reading them (ast) finds the expected DAG ids, schedules, settings, tasks and dependency chain;
every application_args names a real subcommand and real options of the jar (its --help); templates
use the data interval, never the wall clock; and the commands the DAGs render for a sample date,
built the way SparkSubmitHook builds them, run successfully against the built jar (local[2]).

The jar and SPARK_HOME come from FORECASTER_JOBS_JAR and SPARK_HOME (set by `mvn verify`, which
runs these tests after packaging), else jobs/target/. Without them the run tests skip with a
message, unless FORECASTER_DAG_TESTS_REQUIRE_JAR=1 (Maven), where they fail.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import json
import math
import os
import py_compile
import random
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import forecaster_common as common  # noqa: E402  (no Airflow needed)

DAG_FILES = {
    "forecaster_nightly": HERE / "forecaster_nightly.py",
    "forecaster_monthly_retrain": HERE / "forecaster_monthly_retrain.py",
}
JAR = Path(os.environ.get("FORECASTER_JOBS_JAR", ROOT / "jobs/target/forecaster-jobs.jar"))
SPARK_HOME = Path(os.environ.get("SPARK_HOME", ROOT / "jobs/target/spark-home"))
REQUIRE_JAR = os.environ.get("FORECASTER_DAG_TESTS_REQUIRE_JAR") == "1"

# Imports that Airflow 2.x deprecated or removed, and the keyword that replaced schedule_interval.
DEPRECATED_IMPORTS = (
    "airflow.contrib",
    "airflow.operators.dummy",
    "airflow.operators.dummy_operator",
    "airflow.operators.python_operator",
    "airflow.operators.bash_operator",
    "airflow.operators.spark_submit_operator",
    "airflow.utils.dates",
)
# Template expressions the DAGs may use. Anything else (now(), execution_date, ds, ...) fails.
ALLOWED_EXPRESSIONS = {
    "data_interval_end | ts",
    "data_interval_end | ts_nodash",
    "var.value.forecaster_jar",
    "var.value.forecaster_conf",
    "var.value.forecaster_result_dir",
}
FORBIDDEN_IN_TEMPLATES = re.compile(
    r"now|utcnow|today|execution_date|next_ds|prev_ds|logical_date|\bds\b|\bts\b(?!_)|macros"
)


def require_jar(test: unittest.TestCase):
    missing = [p for p in (JAR, SPARK_HOME / "bin/spark-submit") if not p.exists()]
    if missing:
        message = f"{missing} missing: build with `mvn -pl jobs package` (mvn verify does)"
        if REQUIRE_JAR:
            test.fail(message)
        test.skipTest(message)


# ---------------------------------------------------------------------------------------------
# Reading the DAG files
# ---------------------------------------------------------------------------------------------


class DagFile:
    """What ast finds in one DAG file: constants, the DAG(...) call, task calls, >> chains."""

    def __init__(self, path: Path):
        self.path = path
        self.source = path.read_text(encoding="utf-8")
        self.tree = ast.parse(self.source, filename=str(path))
        self.constants = {}
        self.imported = {}
        self.imports = []
        for node in self.tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name) and isinstance(node.value, ast.Constant):
                    self.constants[target.id] = node.value.value
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom):
                self.imports.append(node.module or "")
                for alias in node.names:
                    self.imported[alias.asname or alias.name] = (node.module, alias.name)
            elif isinstance(node, ast.Import):
                self.imports.extend(alias.name for alias in node.names)
        self.dag_call = self._dag_call()
        self.tasks = self._tasks()
        self.edges = self._edges()

    def value(self, node):
        """The value of an expression made of literals and names imported from the helper."""
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.List):
            return [self.value(e) for e in node.elts]
        if isinstance(node, ast.Dict):
            return {self.value(k): self.value(v) for k, v in zip(node.keys, node.values)}
        if isinstance(node, ast.Name):
            if node.id in self.constants:
                return self.constants[node.id]
            module, name = self.imported.get(node.id, (None, None))
            if module == "forecaster_common":
                return getattr(common, name)
        raise AssertionError(
            f"{self.path.name}:{node.lineno}: cannot evaluate {ast.unparse(node)} without Airflow"
        )

    def _dag_call(self):
        for node in ast.walk(self.tree):
            if isinstance(node, ast.With):
                for item in node.items:
                    call = item.context_expr
                    if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "DAG":
                        return call
        raise AssertionError(f"{self.path.name}: no `with DAG(...)` block")

    def dag_kwargs(self):
        return {k.arg: k.value for k in self.dag_call.keywords}

    def _tasks(self):
        """variable name -> (constructor name, {keyword: node}) for every task assignment."""
        tasks = {}
        for node in ast.walk(self.tree):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call)
                and any(k.arg == "task_id" for k in node.value.keywords)
            ):
                call = node.value
                name = call.func.id if isinstance(call.func, ast.Name) else ast.unparse(call.func)
                tasks[node.targets[0].id] = (name, {k.arg: k.value for k in call.keywords})
        return tasks

    def task_id(self, variable):
        return self.value(self.tasks[variable][1]["task_id"])

    def _edges(self):
        """(upstream task_id, downstream task_id) of every `a >> b >> [c, d]` statement."""
        edges = set()

        def ids(node):
            if isinstance(node, ast.Name):
                return [self.task_id(node.id)]
            if isinstance(node, ast.List):
                return [i for e in node.elts for i in ids(e)]
            raise AssertionError(f"{self.path.name}: unexpected {ast.unparse(node)} in a chain")

        def walk(node):
            # a >> b >> c parses as (a >> b) >> c: returns the right-most tasks.
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.RShift):
                left = walk(node.left)
                right = ids(node.right)
                edges.update((u, d) for u in left for d in right)
                return right
            return ids(node)

        for node in self.tree.body:
            for stmt in ast.walk(node):
                if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.BinOp):
                    walk(stmt.value)
        return edges

    def spark_tasks(self):
        """task_id -> application_args of every spark_submit(...) task."""
        return {
            self.value(kw["task_id"]): self.value(kw["application_args"])
            for name, kw in self.tasks.values()
            if name == "spark_submit"
        }

    def templates(self):
        """Every string in the file and the helper module that contains a template."""
        strings = [
            n.value
            for n in ast.walk(self.tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        ]
        strings += [v for v in vars(common).values() if isinstance(v, str)]
        return [s for s in strings if "{{" in s or "{%" in s]


def render(template: str, context: dict) -> str:
    """Renders the templates the DAGs use, the way Airflow's Jinja environment does."""

    def expression(match):
        expr = match.group(1).strip()
        if expr not in ALLOWED_EXPRESSIONS:
            raise AssertionError(f"template expression not allowed or not known: {expr!r}")
        if expr.startswith("var.value."):
            return context["var"][expr[len("var.value."):]]
        value = context["data_interval_end"]
        if expr.endswith("| ts"):
            return value.isoformat()
        return value.strftime("%Y%m%dT%H%M%S")

    if "{%" in template:
        raise AssertionError(f"template statements are not used by the DAGs: {template!r}")
    return re.sub(r"\{\{(.*?)\}\}", expression, template)


def hook_command(kwargs: dict, master: str, context: dict) -> list:
    """The spark-submit command SparkSubmitHook builds for these operator arguments.

    apache-airflow-providers-apache-spark: binary, --master (the connection's host), --conf k=v,
    --name, --class, the application, then application_args; the templated fields (application,
    name, application_args) rendered first.
    """
    command = [str(SPARK_HOME / "bin/spark-submit"), "--master", master]
    for key, value in kwargs.get("conf", {}).items():
        command += ["--conf", f"{key}={render(str(value), context)}"]
    command += ["--name", render(kwargs["name"], context)]
    command += ["--class", kwargs["java_class"]]
    command.append(render(kwargs["application"], context))
    command += [render(a, context) for a in kwargs["application_args"]]
    return command


def jar_help(*command) -> str:
    """The jar's own --help text for a (sub)command; picocli prints it without starting Spark."""
    classpath = f"{JAR}:{SPARK_HOME / 'jars'}/*"
    result = subprocess.run(
        ["java", "-cp", classpath, common.MAIN_CLASS, *command, "--help"],
        capture_output=True, text=True, timeout=120,
    )
    if result.returncode != 0:
        raise AssertionError(f"{command} --help exited {result.returncode}: {result.stderr}")
    return result.stdout


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------


class DagStructureTest(unittest.TestCase):
    def setUp(self):
        self.dags = {dag_id: DagFile(path) for dag_id, path in DAG_FILES.items()}

    def test_every_file_compiles(self):
        for path in [*DAG_FILES.values(), HERE / "forecaster_common.py"]:
            py_compile.compile(str(path), doraise=True)

    def test_dag_ids_schedules_and_run_settings(self):
        expected = {
            "forecaster_nightly": ("@daily", True),
            "forecaster_monthly_retrain": ("@monthly", False),
        }
        for dag_id, dag in self.dags.items():
            schedule, catchup = expected[dag_id]
            self.assertEqual(dag_id, dag.constants["DAG_ID"])
            kw = dag.dag_kwargs()
            self.assertEqual("DAG_ID", kw["dag_id"].id, dag_id)
            self.assertEqual(schedule, dag.value(kw["schedule"]), dag_id)
            self.assertNotIn("schedule_interval", kw, "deprecated since Airflow 2.4")
            self.assertEqual(catchup, dag.value(kw["catchup"]), dag_id)
            # One run at a time: Delta on S3 allows one writer per table.
            self.assertEqual(1, dag.value(kw["max_active_runs"]), dag_id)
            self.assertIn("forecaster", dag.value(kw["tags"]))
            # A fixed start date, not one computed when the file is parsed.
            start = kw["start_date"]
            self.assertEqual("pendulum.datetime", ast.unparse(start.func), dag_id)
            self.assertTrue(all(isinstance(a, ast.Constant) for a in start.args), dag_id)
            self.assertIs(common.DEFAULT_ARGS, dag.value(kw["default_args"]))

    def test_default_args_retry_with_delay_and_call_the_failure_hook(self):
        args = common.DEFAULT_ARGS
        self.assertGreaterEqual(args["retries"], 1)
        self.assertGreaterEqual(args["retry_delay"], dt.timedelta(minutes=1))
        self.assertIs(common.on_failure, args["on_failure_callback"])
        common.on_failure({"run_id": "scheduled__2025-02-04T00:00:00+00:00"})  # never raises

    def test_tasks_and_dependency_chains(self):
        nightly = self.dags["forecaster_nightly"]
        self.assertEqual(
            {"nightly", "alerts", "upkeep_night", "maintain"},
            {nightly.task_id(v) for v in nightly.tasks},
        )
        self.assertEqual(
            {("nightly", "alerts"), ("nightly", "upkeep_night"), ("upkeep_night", "maintain")},
            nightly.edges,
        )
        # The weekly upkeep: a short-circuit on the run's as-of, whatever the nightly's outcome.
        gate, kw = nightly.tasks["upkeep_night"]
        self.assertEqual("ShortCircuitOperator", gate)
        self.assertIs(common.is_upkeep_night, nightly.value(kw["python_callable"]))
        self.assertEqual({"as_of": common.AS_OF}, nightly.value(kw["op_kwargs"]))
        self.assertEqual("all_done", nightly.value(kw["trigger_rule"]))
        self.assertEqual(
            ["maintain", "--conf", common.CONFIG_FILE], nightly.spark_tasks()["maintain"]
        )
        monthly = self.dags["forecaster_monthly_retrain"]
        self.assertEqual(
            {"retrain", "gate_outcome", "promoted", "kept_current_model"},
            {monthly.task_id(v) for v in monthly.tasks},
        )
        self.assertEqual(
            {
                ("retrain", "gate_outcome"),
                ("gate_outcome", "promoted"),
                ("gate_outcome", "kept_current_model"),
            },
            monthly.edges,
        )
        branch, kw = monthly.tasks["gate_outcome"]
        self.assertEqual("BranchPythonOperator", branch)
        self.assertIs(common.gate_branch, monthly.value(kw["python_callable"]))
        self.assertEqual({"result_json": common.RETRAIN_RESULT}, monthly.value(kw["op_kwargs"]))
        # The branch's targets are the tasks it names.
        self.assertEqual({common.TASK_PROMOTED, common.TASK_KEPT}, {"promoted", "kept_current_model"})

    def test_every_spark_task_is_a_single_writer_from_the_jar(self):
        for dag in self.dags.values():
            for task_id, args in dag.spark_tasks().items():
                kwargs = common.spark_submit_kwargs(task_id, args)
                self.assertEqual(common.WRITER_POOL, kwargs["pool"])
                self.assertEqual("{{ var.value.forecaster_jar }}", kwargs["application"])
                self.assertEqual(common.MAIN_CLASS, kwargs["java_class"])
                self.assertIn("--conf", args)
                self.assertEqual(common.CONFIG_FILE, args[args.index("--conf") + 1])

    def test_no_deprecated_imports(self):
        for dag in self.dags.values():
            for module in dag.imports:
                self.assertFalse(module.startswith(DEPRECATED_IMPORTS), f"{dag.path.name}: {module}")
            self.assertNotIn("days_ago", dag.source)

    def test_templates_use_the_data_interval_never_the_clock(self):
        for dag in self.dags.values():
            templates = dag.templates()
            self.assertTrue(templates)
            for template in templates:
                for expr in re.findall(r"\{\{(.*?)\}\}", template):
                    expr = expr.strip()
                    self.assertIn(expr, ALLOWED_EXPRESSIONS, template)
                    self.assertIsNone(FORBIDDEN_IN_TEMPLATES.search(expr.replace("| ts", "")), expr)
            for task_id, args in dag.spark_tasks().items():
                if args[0] == "maintain":
                    # The upkeep of the tables as they are: no night of its own.
                    self.assertNotIn("--as-of", args)
                    continue
                self.assertEqual("{{ data_interval_end | ts }}", args[args.index("--as-of") + 1])
        self.assertEqual("{{ data_interval_end | ts }}", common.AS_OF)
        # Python's clock is not called in the DAG files either.
        for dag in self.dags.values():
            self.assertNotRegex(dag.source, r"\b(now|utcnow|today)\(")

    def test_rendering_matches_jinja_when_it_is_installed(self):
        try:
            import jinja2
        except ImportError:
            self.skipTest("jinja2 is not installed: the built-in renderer alone is checked")
        env = jinja2.Environment(undefined=jinja2.StrictUndefined)
        # Airflow's filters (airflow.templates.FILTERS).
        env.filters["ts"] = lambda d: d.isoformat()
        env.filters["ts_nodash"] = lambda d: d.strftime("%Y%m%dT%H%M%S")
        context = sample_context(Path("/wh"))

        class Var:
            value = type("Value", (), context["var"])

        for dag in self.dags.values():
            for template in dag.templates():
                expected = env.from_string(template).render(
                    data_interval_end=context["data_interval_end"], var=Var
                )
                self.assertEqual(expected, render(template, context))

    def test_upkeep_follows_the_nightly_whose_as_of_is_a_sunday(self):
        week = [dt.datetime(2025, 2, d, tzinfo=dt.timezone.utc) for d in range(3, 10)]
        due = [t.date() for t in week if common.is_upkeep_night(t.isoformat())]
        self.assertEqual([dt.date(2025, 2, 9)], due)  # Sunday 00:00: Saturday's candles closed
        # As the template renders it, and in another zone: the instant decides, in UTC.
        sunday = render(common.AS_OF, sample_context(Path("/"), week[-1]))
        self.assertTrue(common.is_upkeep_night(sunday))
        self.assertTrue(common.is_upkeep_night("2025-02-09T01:00:00+01:00"))
        self.assertFalse(common.is_upkeep_night("2025-02-09T00:30:00+01:00"))
        self.assertTrue(common.is_upkeep_night("2025-02-09T00:00:00Z"))
        with self.assertRaises(ValueError):
            common.is_upkeep_night("2025-02-09T00:00:00")

    def test_gate_branch_follows_the_result_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "r.json"

            def result(*promoted):
                horizons = [
                    {
                        "horizon_minutes": h, "model_name": f"m{h}", "version": "v1",
                        "gate": "PASSED" if p else "FAILED", "status": "promoted" if p else "rejected",
                        "promoted": p,
                    }
                    for h, p in zip((1440, 10080), promoted)
                ]
                path.write_text(json.dumps({"horizons": horizons, "any_promoted": any(promoted)}))
                return str(path)

            self.assertEqual("promoted", common.gate_branch(result(False, True)))
            self.assertEqual("kept_current_model", common.gate_branch(result(False, False)))
            path.write_text('{"horizons": [], "any_promoted": true}')
            with self.assertRaises(ValueError):
                common.gate_branch(str(path))
            with self.assertRaises(FileNotFoundError):
                common.gate_branch(str(Path(tmp) / "missing.json"))


class DagCommandsAgainstTheJarTest(unittest.TestCase):
    """The DAGs' commands against the real jar: its --help, then the rendered commands, run."""

    @classmethod
    def setUpClass(cls):
        cls.dags = {dag_id: DagFile(path) for dag_id, path in DAG_FILES.items()}
        cls.tmp = Path(tempfile.mkdtemp(prefix="forecaster-dag-tests-"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        require_jar(self)

    def test_application_args_name_real_commands_and_options(self):
        top = jar_help()
        commands = set(re.findall(r"^  (\w+) ", top, flags=re.MULTILINE))
        self.assertIn("nightly", commands)
        for dag in self.dags.values():
            for task_id, args in dag.spark_tasks().items():
                self.assertIn(args[0], commands, f"{task_id}: {args[0]} is not a command of the jar")
                options = set(re.findall(r"(--[a-z][a-z-]*)", jar_help(args[0])))
                for arg in args[1:]:
                    if arg.startswith("--"):
                        self.assertIn(arg, options, f"{task_id}: {args[0]} has no option {arg}")

    def test_rendered_commands_run_against_the_jar(self):
        landing = self.tmp / "landing" / "prices"
        write_market(landing, ["BTC-USD", "ETH-USD"], dt.date(2024, 6, 1), 248)
        (self.tmp / "results").mkdir(exist_ok=True)
        conf = self.tmp / "airflow-test.conf"
        conf.write_text(
            "forecaster {\n"
            f'  warehouse = "{self.tmp / "warehouse"}"\n'
            f'  ingest.landing-prices = "{landing}"\n'
            "  horizons-minutes = [1440]\n"
            "  model.random-forest { num-trees = 10, max-depth = 4 }\n"
            "  backtest.days = 10\n"
            # A gate every candidate passes, so the branch after retrain is known: promoted.
            "  gate { min-improvement-pp = -100, min-symbol-accuracy = 0, min-beat-share = 0 }\n"
            '  spark { "spark.sql.shuffle.partitions" = "2" }\n'
            "}\n"
        )
        nightly_dag = self.dags["forecaster_nightly"].spark_tasks()
        # The nightly run of 2025-02-04 (interval 2025-02-03 .. 2025-02-04: the last day closes).
        night = sample_context(self.tmp, dt.datetime(2025, 2, 4, tzinfo=dt.timezone.utc), conf)
        out = self.run_task("nightly", nightly_dag["nightly"], night)
        steps = [line.split()[0] for line in out.splitlines() if re.match(r"^\w+ +[0-9.]+ s ", line)]
        self.assertEqual(["ingest", "features", "forecast"], steps[:3], out)
        self.assertRegex(out, r"ingest .* accepted 496,")  # 2 x 248 candles
        self.assertRegex(out, r"forecast .* 2 rows, 2 naive")  # 2 symbols x 1 horizon, no model yet

        # The monthly run of January 2025: as-of 2025-02-01 00:00.
        monthly_dag = self.dags["forecaster_monthly_retrain"].spark_tasks()
        month = sample_context(self.tmp, dt.datetime(2025, 2, 1, tzinfo=dt.timezone.utc), conf)
        self.run_task("retrain", monthly_dag["retrain"], month)
        result_path = render(common.RETRAIN_RESULT, month)
        self.assertEqual(str(self.tmp / "results" / "retrain-20250201T000000.json"), result_path)
        result = json.loads(Path(result_path).read_text())
        self.assertEqual([1440], [h["horizon_minutes"] for h in result["horizons"]])
        self.assertEqual("2025-02-01T00:00:00Z", result["as_of"])
        self.assertTrue(all(h["promoted"] for h in result["horizons"]), result)
        self.assertEqual(common.TASK_PROMOTED, common.gate_branch(result_path))

        # The alerts task of the same night: monitor exits 0 (no alert) or 3 (alerts), both by
        # design; anything else is a failure.
        out = self.run_task("alerts", nightly_dag["alerts"], night, ok=(0, 3))

        # The weekly upkeep on the same warehouse: every table compacted, the table printed.
        out = self.run_task("maintain", nightly_dag["maintain"], night)
        self.assertRegex(out, r"(?m)^table +files_before +files_after ")
        for table in ("prices", "features", "forecasts", "model_registry", "total"):
            self.assertRegex(out, rf"(?m)^{table} +\d+ +\d+ ", out)

    def run_task(self, task_id, args, context, ok=(0,)):
        kwargs = common.spark_submit_kwargs(task_id, args)
        command = hook_command(kwargs, "local[2]", context)
        # A short-lived driver: the C1 compiler and the serial collector halve its CPU time.
        env = dict(
            os.environ,
            SPARK_HOME=str(SPARK_HOME),
            SPARK_LOCAL_IP="127.0.0.1",
            SPARK_SUBMIT_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
        )
        result = subprocess.run(
            ["bash", *command], capture_output=True, text=True, env=env, timeout=900
        )
        log = self.tmp / f"{task_id}.log"
        log.write_text(result.stdout + "\n--- stderr\n" + result.stderr)
        if result.returncode not in ok:
            tail = "\n".join(result.stderr.splitlines()[-40:])
            self.fail(f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}\n{tail}")
        return result.stdout


def sample_context(tmp: Path, data_interval_end=None, conf=None) -> dict:
    return {
        "data_interval_end": data_interval_end or dt.datetime(2025, 2, 4, tzinfo=dt.timezone.utc),
        "var": {
            "forecaster_jar": str(JAR),
            "forecaster_conf": str(conf or tmp / "forecaster.conf"),
            "forecaster_result_dir": str(tmp / "results"),
        },
    }


def write_market(folder: Path, symbols, start: dt.date, days: int):
    """Daily candles of a seeded random walk, one CSV per symbol (the landing format)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(11)
    for symbol in symbols:
        price = 100.0
        with open(folder / f"{symbol}.csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["timestamp", "open", "high", "low", "close", "volume"])
            for d in range(days):
                day = start + dt.timedelta(days=d)
                close = price * math.exp(rng.gauss(0.0005, 0.03))
                high = max(price, close) * (1 + abs(rng.gauss(0, 0.01)))
                low = min(price, close) * (1 - abs(rng.gauss(0, 0.01)))
                w.writerow([f"{day.isoformat()}T00:00:00Z", f"{price:.6f}", f"{high:.6f}",
                            f"{low:.6f}", f"{close:.6f}", rng.randint(1000, 9000)])
                price = close


if __name__ == "__main__":
    unittest.main()
