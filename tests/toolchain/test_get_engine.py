"""scripts/get-engine.sh with stand-in `pulumi` and `go` executables and scratch caches.

What a user notices: which CLI is used (an installed one at or above the floor, or a build), that a
build never overwrites or is overwritten by an installed CLI, that a long build is never silent,
and a clear error when nothing can provide an engine.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from itertools import pairwise
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "get-engine.sh"
PINNED = "v3.274.1"
FLOOR = "v3.139.0"
SYSTEM = [Path("/usr/bin"), Path("/bin")]
MAIN_PKG = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"

# A stand-in `go`: the subcommands get-engine.sh runs, each taking FAKE_GO_DELAY seconds per step.
FAKE_GO = f"""#!/bin/sh
d="${{FAKE_GO_DELAY:-0}}"
case "$1 $2" in
  "mod download")
    printf 'go 1.24\\nreplace example.com/a => example.com/b v1.0.0\\nreplace example.com/c => ../c\\n' >"$FAKE_GO_DIR/upstream.mod"
    echo "{{\\"GoMod\\": \\"$FAKE_GO_DIR/upstream.mod\\"}}" ;;
  "mod tidy")
    cp go.mod "$FAKE_GO_DIR/wrapper.mod"
    for m in a b c; do echo "go: downloading example.com/$m v1.0.0" >&2; sleep "$d"; done ;;
  "list -deps")
    printf 'fmt\\nexample.com/a\\nexample.com/b\\n{MAIN_PKG}\\n' ;;
  "build -v")
    out=""; prev=""
    for a in "$@"; do [ "$prev" = "-o" ] && out="$a"; prev="$a"; done
    echo "$@" >"$FAKE_GO_DIR/build-args"
    for p in fmt example.com/a example.com/b {MAIN_PKG}; do echo "$p" >&2; sleep "$d"; done
    sleep "$d"; sleep "$d"   # the link
    printf '#!/bin/sh\\n[ "$1" = version ] && echo {PINNED}\\n' >"$out"; chmod +x "$out" ;;
  *) exit 2 ;;
esac
"""


def _exe(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    exe = directory / name
    exe.write_text(text)
    exe.chmod(0o755)
    return exe


def _fake_pulumi(directory: Path, version: str) -> Path:
    return _exe(directory, "pulumi", f'#!/bin/sh\n[ "$1" = version ] && echo {version}\n')


def _fake_go(tmp_path: Path) -> Path:
    tools = tmp_path / "go-bin"
    _exe(tools, "go", FAKE_GO)
    return tools


def _env(tmp_path: Path, path_dirs: list[Path], **extra: str) -> dict[str, str]:
    return {
        "PATH": os.pathsep.join(str(p) for p in path_dirs),
        "HOME": str(tmp_path),
        "PULUMI_QODER_CACHE": str(tmp_path / "cache"),
        "FAKE_GO_DIR": str(tmp_path),
        **extra,
    }


def _run(tmp_path: Path, path_dirs: list[Path], **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/bin/bash", str(SCRIPT)],
        env=_env(tmp_path, path_dirs, **extra),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_without_pulumi_or_go_it_stops_and_says_how_to_install(tmp_path: Path) -> None:
    result = _run(tmp_path, SYSTEM)
    assert result.returncode == 1
    assert f"no 'pulumi' {FLOOR} or newer on PATH and no 'go' toolchain" in result.stderr
    assert "get.pulumi.com" in result.stderr  # the official installer
    assert result.stdout == ""  # nothing that a caller could mistake for a bin directory


def test_newer_installed_pulumi_is_used_without_building(tmp_path: Path) -> None:
    exe = _fake_pulumi(tmp_path / "tools", "v3.290.2")
    result = _run(tmp_path, [tmp_path / "tools", *SYSTEM])
    assert result.returncode == 0, result.stderr
    bin_dir = Path(result.stdout.strip())
    assert (bin_dir / "pulumi").resolve() == exe.resolve()
    assert f"using {exe} (v3.290.2, >= {FLOOR})" in result.stderr
    # The shims the engine needs sit beside it, in a directory of its own (not the build cache).
    assert (bin_dir / "pulumi-resource-pulumi-python").exists()
    assert (bin_dir / "pulumi-language-python").exists()
    assert not (tmp_path / "cache" / f"engine-{PINNED}" / "bin" / "pulumi").exists()


def test_the_floor_itself_and_a_prerelease_above_it_are_accepted(tmp_path: Path) -> None:
    for version in (FLOOR, "v3.275.0-dev.0"):
        _fake_pulumi(tmp_path / version, version)
        result = _run(tmp_path, [tmp_path / version, *SYSTEM])
        assert result.returncode == 0, result.stderr
        assert Path(result.stdout.strip()).name == "bin"
        assert f"({version}, >= {FLOOR})" in result.stderr


def test_too_old_or_unparsable_pulumi_is_ignored(tmp_path: Path) -> None:
    for version in ("v3.138.9", "v2.25.0", "not-a-version"):
        _fake_pulumi(tmp_path / version, version)
        result = _run(tmp_path, [tmp_path / version, *SYSTEM])
        # Without go it cannot build, and it must not settle for the old CLI.
        assert result.returncode == 1, result.stdout
        assert f"reports '{version}', older than {FLOOR}" in result.stderr
        assert result.stdout == ""


def test_too_old_pulumi_leads_to_a_build_that_is_then_cached(tmp_path: Path) -> None:
    _fake_pulumi(tmp_path / "old", "v3.100.0")
    path = [tmp_path / "old", _fake_go(tmp_path), *SYSTEM]
    built = _run(tmp_path, path)
    assert built.returncode == 0, built.stderr
    bin_dir = tmp_path / "cache" / f"engine-{PINNED}" / "bin"
    assert built.stdout.strip() == str(bin_dir)
    assert f"built {bin_dir}/pulumi in" in built.stderr
    # The wrapper module repeats upstream's non-local replaces only, and the binary is stamped.
    wrapper = (tmp_path / "wrapper.mod").read_text()
    assert "replace example.com/a => example.com/b v1.0.0" in wrapper
    assert "../c" not in wrapper
    assert f"version.Version={PINNED}" in (tmp_path / "build-args").read_text()

    again = _run(tmp_path, path)
    assert again.returncode == 0, again.stderr
    assert f"cached {bin_dir}/pulumi ({PINNED})" in again.stderr

    # A newer CLI installed later is used, and the cached build stays a real file.
    _fake_pulumi(tmp_path / "new", "v3.300.0")
    newer = _run(tmp_path, [tmp_path / "new", *path])
    assert newer.returncode == 0, newer.stderr
    assert Path(newer.stdout.strip()) != bin_dir
    assert not (bin_dir / "pulumi").is_symlink()


def test_a_long_build_reports_phase_and_elapsed_time_without_silence(tmp_path: Path) -> None:
    heartbeat = 1
    env = _env(
        tmp_path, [_fake_go(tmp_path), *SYSTEM], PULUMI_QODER_HEARTBEAT=str(heartbeat), FAKE_GO_DELAY="1"
    )
    proc = subprocess.Popen(
        ["/bin/bash", str(SCRIPT)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stderr is not None
    lines: list[tuple[float, str]] = []
    for line in proc.stderr:
        lines.append((time.monotonic(), line.rstrip("\n")))
    stdout = proc.stdout.read() if proc.stdout else ""
    assert proc.wait(timeout=60) == 0, "\n".join(text for _, text in lines)
    text = "\n".join(line for _, line in lines)

    assert re.search(r"^engine: downloading modules \(\ds\)$", text, re.MULTILINE), text
    assert "modules fetched" in text  # heartbeat during `go mod tidy`
    assert "engine: compiling 4 packages" in text
    assert "compiling: " in text and " of 4 packages" in text
    assert "linking the pulumi binary" in text
    assert "s elapsed" in text
    # Never silent for much longer than the heartbeat (the real one is 15 s, under the 20 s promise);
    # without it, compiling alone would be 6 s of silence. The margin is for a loaded machine.
    gaps = [b[0] - a[0] for a, b in pairwise(lines)]
    assert max(gaps) < heartbeat * 3, gaps
    assert stdout.strip().endswith(f"engine-{PINNED}/bin")


def test_version_flag_names_the_build_and_the_floor() -> None:
    out = subprocess.run(["bash", str(SCRIPT), "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"builds {PINNED}; uses an installed pulumi >= {FLOOR}"


def test_make_help_prints_the_real_engine_version() -> None:
    out = subprocess.run(["make", "-s", "help"], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    engine_line = next(line for line in out.stdout.splitlines() if line.startswith("make engine"))
    assert PINNED in engine_line and FLOOR in engine_line
    assert "$" not in out.stdout


def test_an_engine_directory_of_ours_on_path_is_used_as_is(tmp_path: Path) -> None:
    # E.g. the demo's env.sh puts the engine directory first on PATH, and the demo runs this again.
    ours = tmp_path / "other-cache" / f"engine-{PINNED}" / "bin"
    _fake_pulumi(ours, PINNED)
    (ours / "pulumi_language_python_host.py").write_text("")
    result = _run(tmp_path, [ours, *SYSTEM])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(ours)
    # Its language host starts from there (the shim finds the host beside itself).
    assert (ours / "pulumi-language-python").exists()
    assert not (tmp_path / "cache").exists()


def test_its_own_link_directory_first_on_path_still_leads_to_the_installed_cli(tmp_path: Path) -> None:
    exe = _fake_pulumi(tmp_path / "tools", "v3.290.2")
    # Official installs carry their own language host: then only links are made.
    _exe(tmp_path / "tools", "pulumi-language-python", "#!/bin/sh\n")
    first = _run(tmp_path, [tmp_path / "tools", *SYSTEM])
    links = Path(first.stdout.strip())
    again = _run(tmp_path, [links, tmp_path / "tools", *SYSTEM])  # as after `source .state/env.sh`
    assert again.returncode == 0, again.stderr
    assert Path(again.stdout.strip()) == links
    assert (links / "pulumi").resolve() == exe.resolve()  # a link to the CLI, not to itself
    assert (links / "pulumi-language-python").resolve() == (
        tmp_path / "tools" / "pulumi-language-python"
    ).resolve()
