"""Our provider against Terraform + the community CMA provider, on the same emulator (on demand, not a test).

The same stack (1 agent, 1 environment, N deployments with the same inputs) is declared twice:
as a Terraform configuration for the community provider
``modus-agendi/terraform-provider-anthropic-claude-managed-agents`` and as a Pulumi program of
``pulumi_qoder`` resources with ``QODER_FLAVOR=cma``. Both drive one emulator in its Claude Managed
Agents flavor (``/v1`` with ``x-api-key`` and the ``anthropic-beta`` header), interleaved per
repetition (the order alternates), through five operations on a fresh stack/workspace:

    create       pulumi up --skip-preview          terraform apply -auto-approve
    no-op        pulumi preview --expect-no-changes terraform plan -detailed-exitcode (must be 0)
    one change   pulumi up (first cron changed)    terraform apply (first cron changed)
    refresh      pulumi refresh --skip-preview     terraform apply -refresh-only -auto-approve
    destroy      pulumi destroy --skip-preview     terraform destroy -auto-approve

Each tool runs with its defaults (Terraform: refresh inside plan/apply, -parallelism=10; Pulumi:
no refresh in preview/up, its default --parallel). Printed per operation: pulumi/terraform ratio
(median and min over repetitions), both medians, the API calls each made (from the emulator's
request log, last repetition), CPU seconds of each whole command, and state bytes per deployment
(``pulumi stack export`` vs ``terraform.tfstate``, after create, divided by N).

    .venv/bin/python benchmarks/terraform_compare.py \\
        --terraform ~/.cache/pulumi-qoder/terraform-v1.13.3/terraform \\
        --tf-provider-dir ~/.cache/pulumi-qoder/tfprov-bin --n 50 200 --repeat 3

``--floor`` adds the engine's floor (engine_floor.py: the same Pulumi stack with dynamic resources
that only return) as a third interleaved variant: the part of the gap that is the engine's own.
``--env K=V`` sets an environment variable for every pulumi command (e.g.
``PULUMI_SKIP_CHECKPOINTS=true``).

``--tf-provider-dir`` holds ``terraform-provider-anthropic-claude-managed-agents`` (built from the
community source: benchmarks/terraform.md says how); it is installed through a ``dev_overrides``
CLI configuration (TF_CLI_CONFIG_FILE), so no ``terraform init`` and no registry.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.engine_floor import FLOOR_IMPORTS, FLOOR_MODULE, Sample, measure  # noqa: E402
from benchmarks.engine_floor import PROGRAM as FLOOR_PROGRAM  # noqa: E402
from qoder_emulator.testing import EmulatorHandle, running_emulator  # noqa: E402
from tests.engine.conftest import PulumiProject, obtain_engine, offline_env  # noqa: E402

OPERATIONS = ("up (create)", "no-op preview/plan", "one change", "refresh", "destroy")
API_KEY = "sk-ant-bench-key"
MODEL = "claude-sonnet-4-6"
# Set on both sides (same inputs). Before a4d351a the CMA emulator answered "" for these when unset,
# which the community provider rejects as an inconsistent result after apply (benchmarks/terraform.md).
SYSTEM = "Write the report."
DESCRIPTION = "Benchmark"
CHANGED_CRON = "30 10 * * 1-5"
TF_SOURCE = "andasv/anthropic-claude-managed-agents"  # the provider's registry address (main.go)
TF_BINARY = "terraform-provider-anthropic-claude-managed-agents"
TF_COMMAND_TIMEOUT = 1800

# The same inputs per deployment as the Terraform configuration below: name, agent, environment,
# a cron schedule (the first one configurable), one user message as one text block, metadata.
PULUMI_PROGRAM = f"""
import pulumi
from pulumi_qoder import (
    Agent, Deployment, Environment, EnvironmentConfigArgs, ScheduleArgs, UnrestrictedNetworkingArgs,
    UserMessageEventArgs,
)

cfg = pulumi.Config()
count = int(cfg.require("count"))
first_cron = cfg.get("firstCron") or "0 9 * * *"
agent = Agent("bench-agent", name="bench-agent", model="{MODEL}", system="{SYSTEM}",
    description="{DESCRIPTION}")
env = Environment("bench-env", name="bench-env",
    config=EnvironmentConfigArgs(networking=UnrestrictedNetworkingArgs()))
for i in range(count):
    Deployment(f"dep-{{i}}", name=f"bench-{{i}}", description="{DESCRIPTION}", agent=agent.id,
        environment_id=env.id,
        schedule=ScheduleArgs(expression=first_cron if i == 0 else f"{{i % 60}} 9 * * *",
            timezone="Asia/Shanghai"),
        initial_events=[UserMessageEventArgs(content=f"Report {{i}}")],
        metadata={{"index": str(i)}})
"""

TERRAFORM_CONFIG = f"""
terraform {{
  required_providers {{
    claude-managed-agents = {{
      source = "{TF_SOURCE}"
    }}
  }}
}}

variable "n" {{
  type = number
}}

variable "base_url" {{
  type = string
}}

variable "first_cron" {{
  type    = string
  default = "0 9 * * *"
}}

provider "claude-managed-agents" {{
  base_url = var.base_url
}}

resource "claude-managed-agents_agent" "bench" {{
  name        = "bench-agent"
  model       = "{MODEL}"
  system      = "{SYSTEM}"
  description = "{DESCRIPTION}"
}}

resource "claude-managed-agents_environment" "bench" {{
  name = "bench-env"
  config = {{
    type       = "cloud"
    networking = {{ type = "unrestricted" }}
  }}
}}

resource "claude-managed-agents_deployment" "dep" {{
  count          = var.n
  name           = "bench-${{count.index}}"
  description    = "{DESCRIPTION}"
  agent          = claude-managed-agents_agent.bench.id
  environment_id = claude-managed-agents_environment.bench.id
  schedule = {{
    type       = "cron"
    expression = count.index == 0 ? var.first_cron : "${{count.index % 60}} 9 * * *"
    timezone   = "Asia/Shanghai"
  }}
  initial_events = [{{
    type    = "user.message"
    content = jsonencode([{{ type = "text", text = "Report ${{count.index}}" }}])
  }}]
  metadata = {{ index = tostring(count.index) }}
}}
"""


class CommandFailed(RuntimeError):
    pass


@dataclass
class TerraformWorkspace:
    """A directory with the configuration and its local state, driven through the ``terraform`` CLI."""

    directory: Path
    binary: Path
    env: dict[str, str]

    def run(self, *args: str, ok_codes: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.binary), *args, "-input=false", "-no-color"]
        result = subprocess.run(
            cmd,
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=TF_COMMAND_TIMEOUT,
            check=False,
        )
        if result.returncode not in ok_codes:
            raise CommandFailed(
                f"`{' '.join(cmd)}` exited {result.returncode}\n--- stdout\n{result.stdout[-4000:]}"
                f"\n--- stderr\n{result.stderr[-4000:]}"
            )
        return result


def cli_config(directory: Path, provider_dir: Path) -> Path:
    """A CLI configuration that installs the provider from ``provider_dir`` (no registry, no init)."""
    binary = provider_dir / TF_BINARY
    if not os.access(binary, os.X_OK):
        raise SystemExit(f"--tf-provider-dir: {binary} is missing or not executable")
    path = directory / "dev.tfrc"
    path.write_text(
        "provider_installation {\n"
        f'  dev_overrides {{\n    "{TF_SOURCE}" = "{provider_dir}"\n  }}\n'
        "  direct {}\n}\n"
    )
    return path


@dataclass
class Results:
    samples: dict[tuple[str, str], list[Sample]] = field(default_factory=dict)
    calls: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)
    state_bytes_per_deployment: dict[str, list[float]] = field(default_factory=dict)
    minified_bytes_per_deployment: dict[str, list[float]] = field(default_factory=dict)

    def record_state(self, tool: str, text: str, n: int) -> None:
        """As the tool writes it, and minified (the two indent differently)."""
        minified = json.dumps(json.loads(text), separators=(",", ":"))
        self.state_bytes_per_deployment.setdefault(tool, []).append(len(text.encode()) / n)
        self.minified_bytes_per_deployment.setdefault(tool, []).append(len(minified.encode()) / n)

    def add(self, tool: str, operation: str, sample: Sample, emu: EmulatorHandle) -> None:
        self.samples.setdefault((tool, operation), []).append(sample)
        self.calls[(tool, operation)] = Counter(call_kind(r) for r in emu.requests())


def call_kind(request: dict[str, object]) -> str:
    """``GET deployments/{id}``-style label of one logged request (ids folded)."""
    path = str(request.get("path", "")).split("?")[0]
    parts = [p for p in path.split("/") if p and p != "v1"]
    folded = [p if i % 2 == 0 else "{id}" for i, p in enumerate(parts)]
    return f"{request.get('method', '?')} {'/'.join(folded)}"


def run_terraform(
    binary: Path, tfrc: Path, scratch: Path, emu: EmulatorHandle, n: int, results: Results
) -> None:
    directory = scratch / f"terraform-{time.monotonic_ns()}"
    directory.mkdir()
    (directory / "main.tf").write_text(TERRAFORM_CONFIG)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "ANTHROPIC_"))}
    env.update(
        TF_CLI_CONFIG_FILE=str(tfrc),
        TF_IN_AUTOMATION="1",
        CHECKPOINT_DISABLE="1",
        ANTHROPIC_API_KEY=emu.tokens[0],
        TF_VAR_n=str(n),
        TF_VAR_base_url=emu.base_url,
    )
    tf = TerraformWorkspace(directory, binary, env)
    results.add("terraform", "up (create)", measure(emu, lambda: tf.run("apply", "-auto-approve")), emu)
    results.record_state("terraform", (directory / "terraform.tfstate").read_text(), n)
    results.add(
        "terraform",
        "no-op preview/plan",
        measure(emu, lambda: tf.run("plan", "-detailed-exitcode")),
        emu,
    )
    change = ("-auto-approve", f"-var=first_cron={CHANGED_CRON}")
    results.add("terraform", "one change", measure(emu, lambda: tf.run("apply", *change)), emu)
    results.add(
        "terraform",
        "refresh",
        measure(emu, lambda: tf.run("apply", "-refresh-only", *change)),
        emu,
    )
    results.add(
        "terraform",
        "destroy",
        measure(emu, lambda: tf.run("destroy", *change)),
        emu,
    )


def run_pulumi(
    tool: str,
    engine: Path,
    scratch: Path,
    emu: EmulatorHandle,
    n: int,
    results: Results,
    extra_env: dict[str, str],
) -> None:
    """``tool`` is ``pulumi`` (our provider) or ``floor`` (engine_floor's dynamic resources that
    only return: what the engine and the Python dynamic-provider SDK cost by themselves)."""
    directory = scratch / f"{tool}-{time.monotonic_ns()}"
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text("name: bench\nruntime: python\n")
    env = offline_env(engine, directory / ".pulumi")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as a user's shell would: bytecode written and reused
    env = {k: v for k, v in env.items() if not k.startswith("ANTHROPIC_")}
    env.update(QODER_FLAVOR="cma", QODER_BASE_URL=emu.base_url, ANTHROPIC_API_KEY=emu.tokens[0])
    env.update(extra_env)
    project = PulumiProject(directory, env)
    if tool == "floor":
        (directory / "floor.py").write_text(FLOOR_MODULE)
        env["PYTHONPATH"] = str(directory)  # the floor module, for the provider process too
        project.write_program(FLOOR_PROGRAM.format(imports=FLOOR_IMPORTS))
    else:
        project.write_program(PULUMI_PROGRAM)
    project.run("stack", "init", f"bench-{directory.name}")
    project.set_config("count", str(n))
    results.add(tool, "up (create)", measure(emu, lambda: project.up()), emu)
    results.record_state(tool, project.run("stack", "export").stdout, n)
    results.add(
        tool,
        "no-op preview/plan",
        measure(emu, lambda: project.preview("--expect-no-changes")),
        emu,
    )
    project.set_config("firstCron", CHANGED_CRON)
    results.add(tool, "one change", measure(emu, lambda: project.up()), emu)
    results.add(tool, "refresh", measure(emu, lambda: project.refresh()), emu)
    results.add(tool, "destroy", measure(emu, lambda: project.destroy()), emu)


def report(
    n: int,
    repeat: int,
    results: Results,
    load_before: str,
    load_after: str,
    extra_env: dict[str, str],
) -> None:
    print(f"\n### N = {n} deployments (+1 agent, +1 environment), {repeat} repetitions\n")
    if extra_env:
        print(f"pulumi environment: {' '.join(f'{k}={v}' for k, v in extra_env.items())}\n")
    print(f"uptime before: {load_before}\nuptime after:  {load_after}\n")
    print(
        "| operation | pulumi/terraform median | min | pulumi s (median) | terraform s (median) "
        "| pulumi API calls | terraform API calls |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for op in OPERATIONS:
        ours, theirs = results.samples[("pulumi", op)], results.samples[("terraform", op)]
        ratios = [a.seconds / b.seconds for a, b in zip(ours, theirs, strict=True)]
        print(
            f"| {op} | {statistics.median(ratios):.2f}x | {min(ratios):.2f}x "
            f"| {statistics.median(s.seconds for s in ours):.2f} "
            f"| {statistics.median(s.seconds for s in theirs):.2f} "
            f"| {ours[-1].api_calls} | {theirs[-1].api_calls} |"
        )
    if ("floor", "up (create)") in results.samples:
        print(
            "\nThe engine's floor (same stack, dynamic resources that only return, no API calls) "
            "in the same run:\n"
        )
        print("| operation | floor/terraform median | min | floor s (median) | pulumi/floor median |")
        print("|---|---:|---:|---:|---:|")
        for op in OPERATIONS:
            floor = results.samples[("floor", op)]
            theirs, ours = results.samples[("terraform", op)], results.samples[("pulumi", op)]
            vs_tf = [a.seconds / b.seconds for a, b in zip(floor, theirs, strict=True)]
            ours_vs_floor = [a.seconds / b.seconds for a, b in zip(ours, floor, strict=True)]
            print(
                f"| {op} | {statistics.median(vs_tf):.2f}x | {min(vs_tf):.2f}x "
                f"| {statistics.median(s.seconds for s in floor):.2f} "
                f"| {statistics.median(ours_vs_floor):.2f}x |"
            )
    tools = [t for t in ("pulumi", "terraform", "floor") if (t, "up (create)") in results.samples]
    print(
        "\nCPU seconds of the whole command (CLI and every process it waited for: language host, "
        "provider processes, plugins), medians:\n"
    )
    print("| operation | " + " | ".join(f"{t} CPU s" for t in tools) + " | pulumi/terraform CPU |")
    print("|---|" + "---:|" * (len(tools) + 1))
    for op in OPERATIONS:
        cpu = {t: [x.command_cpu for x in results.samples[(t, op)]] for t in tools}
        ratios = [a / b for a, b in zip(cpu["pulumi"], cpu["terraform"], strict=True) if b > 0]
        ratio = f"{statistics.median(ratios):.2f}x" if ratios else "-"
        cells = " | ".join(f"{statistics.median(cpu[t]):.2f}" for t in tools)
        print(f"| {op} | {cells} | {ratio} |")
    for label, sizes in (
        ("as written", results.state_bytes_per_deployment),
        ("minified", results.minified_bytes_per_deployment),
    ):
        sb = {k: statistics.median(v) for k, v in sizes.items()}
        floor_size = f", floor {sb['floor'] / 1024:.2f} KB" if "floor" in sb else ""
        print(
            f"\nState per deployment ({label}; whole state after create / N): "
            f"pulumi {sb['pulumi'] / 1024:.2f} KB, terraform {sb['terraform'] / 1024:.2f} KB "
            f"({sb['pulumi'] / sb['terraform']:.2f}x){floor_size}."
        )
    print("\nAPI calls by kind (last repetition):\n")
    for op in OPERATIONS:
        for tool in ("pulumi", "terraform"):
            kinds = ", ".join(f"{k} {v}" for k, v in sorted(results.calls[(tool, op)].items()))
            print(f"- {op}, {tool}: {kinds or 'none'}")


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--terraform", type=Path, required=True, help="terraform v1.13 binary")
    parser.add_argument("--tf-provider-dir", type=Path, required=True, help=f"directory holding {TF_BINARY}")
    parser.add_argument("--n", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--env",
        nargs="*",
        default=[],
        metavar="K=V",
        help="environment for every pulumi command (e.g. PULUMI_SKIP_CHECKPOINTS=true)",
    )
    parser.add_argument(
        "--floor", action="store_true", help="also run the engine's floor (engine_floor.py) interleaved"
    )
    args = parser.parse_args()
    extra_env = dict(item.split("=", 1) for item in args.env)
    terraform = args.terraform.expanduser().resolve()
    provider_dir = args.tf_provider_dir.expanduser().resolve()
    print(subprocess.run([str(terraform), "version"], capture_output=True, text=True, check=True).stdout)
    engine = obtain_engine()
    for n in args.n:
        results = Results()
        load_before = uptime()
        # Unique names off: the CMA service does not enforce them, and repetitions reuse names.
        with (
            tempfile.TemporaryDirectory() as tmp,
            running_emulator(tokens=(API_KEY,), clock="real", flavor="cma", unique_names=False) as emu,
        ):
            tfrc = cli_config(Path(tmp), provider_dir)
            for rep in range(args.repeat):
                tools = ("pulumi", "terraform", *(("floor",) if args.floor else ()))
                for tool in tools if rep % 2 == 0 else reversed(tools):
                    if tool != "terraform":
                        run_pulumi(tool, engine, Path(tmp), emu, n, results, extra_env)
                    else:
                        run_terraform(terraform, tfrc, Path(tmp), emu, n, results)
        report(n, args.repeat, results, load_before, uptime(), extra_env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
