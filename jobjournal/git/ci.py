"""The CI workflow `jobjournal git ci github|gitlab` writes: on every push and every morning it
installs jobjournal, runs `jobjournal agenda` and commits what changed back, so that the agenda
stays current on days the vault is edited only on a phone (README, "Phone-only days").

Pure text: `workflow(...)` returns the file's path and text; the CLI decides whether to write it.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from jobjournal import __version__
from jobjournal.errors import JobJournalError

PROVIDERS = ("github", "gitlab")
#: The hour of the morning run, in the vault's time zone (standard time).
MORNING_HOUR = 6
#: The first line of every file this module writes: how a later run knows the file is its own.
HEADER = "# Written by `jobjournal git ci {provider}`"
GITHUB_PATH = ".github/workflows/jobjournal.yml"
GITLAB_PATH = ".gitlab-ci.yml"
#: Where the GitLab job goes when the repository has a .gitlab-ci.yml of its own, to be included.
GITLAB_INCLUDE_PATH = ".gitlab/jobjournal.yml"
COMMIT_MESSAGE = "jobjournal: update agenda [skip ci]"
#: The bot identities of the commits: on GitHub the Actions bot (its avatar marks the commit).
GITHUB_BOT = ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")
GITLAB_BOT = ("jobjournal-bot", "jobjournal-bot@users.noreply.gitlab.com")
#: The CI/CD variable holding the token a GitLab job pushes with.
GITLAB_TOKEN_VARIABLE = "JOBJOURNAL_PUSH_TOKEN"
PYTHON = "3.12"


def default_install() -> str:
    """What the workflow installs by default: the jobjournal that writes it, pinned."""
    return f"jobjournal=={__version__}"


@dataclass(frozen=True)
class Zone:
    """The vault's time zone, as the workflow needs it: a name to show and to set as TZ (None
    when the machine's zone has no IANA name) and its standard offset from UTC."""

    label: str
    tz_name: str | None
    standard_offset: timedelta
    has_dst: bool = True


def vault_zone(configured: str) -> Zone:
    """The zone of `[calendar] timezone`, else the machine's."""
    name = configured or machine_zone_name()
    if name is not None:
        return Zone(name, name, standard_offset(name), has_dst(name))
    offset = timedelta(seconds=-time.timezone)
    return Zone(f"this machine's time zone ({_utc(offset)})", None, offset, bool(time.daylight))


def machine_zone_name() -> str | None:
    """The IANA name of the machine's zone: `TZ`, else where /etc/localtime points; None if
    neither names one."""
    from zoneinfo import ZoneInfo

    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    for name in candidates:
        if name and "/" in name or name == "UTC":
            try:
                ZoneInfo(name)
            except (ValueError, OSError, KeyError):
                continue
            return name
    return None


def standard_offset(name: str) -> timedelta:
    """The zone's offset from UTC outside daylight saving time, as it is today."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(name)
    now = datetime.now(UTC).astimezone(zone)
    return (now.utcoffset() or timedelta()) - (now.dst() or timedelta())


def has_dst(name: str) -> bool:
    """Whether the zone keeps daylight saving time this year (in January or in July)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(name)
    year = datetime.now(UTC).year
    return any(datetime(year, month, 15, 12, tzinfo=zone).dst() for month in (1, 7))


def morning_cron(offset: timedelta) -> str:
    """The daily UTC cron line of 06:00 at `offset` from UTC (a zone's standard time)."""
    minutes = (MORNING_HOUR * 60 - int(offset.total_seconds()) // 60) % (24 * 60)
    return f"{minutes % 60} {minutes // 60} * * *"


def _when(zone: Zone) -> str:
    """What the UTC cron of the morning run means in the vault's zone."""
    said = f"06:00 in {zone.label} ({_utc(zone.standard_offset)})"
    if zone.has_dst:
        said = (f"06:00 in {zone.label}, standard time ({_utc(zone.standard_offset)}): cron is "
                "UTC, so it runs at 07:00 there while daylight saving time is on")  # fmt: skip
    return said


def _utc(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def check_install(spec: str, source: str) -> str:
    """The pip requirement the workflow installs; one line, not empty."""
    spec = spec.strip()
    if not spec or "\n" in spec or "\r" in spec:
        raise JobJournalError(
            f"{source} must be one pip requirement, like {default_install()!r} or "
            "'git+https://github.com/you/jobjournal@v1.0'"
        )
    return spec


def _yaml_str(text: str) -> str:
    # A JSON string is a YAML double-quoted scalar.
    return json.dumps(text)


# --- the commit-back script, shared by both providers ---------------------------------------------

#: Runs in the vault's folder of a fresh clone. Works on the branch's tip (not the commit that
#: started the run), commits only when `jobjournal agenda` changed something, and treats a push
#: refused because the branch moved on as done: the newer commit's own run updates the agenda.
_UPDATE = """\
set -euo pipefail
git fetch --quiet origin "$JOBJOURNAL_BRANCH"
git checkout --quiet -B "$JOBJOURNAL_BRANCH" FETCH_HEAD
base=$(git rev-parse HEAD)
jobjournal agenda
git add --all -- .
if git diff --cached --quiet; then
  echo "jobjournal: the agenda is current: nothing to commit"
  exit 0
fi
git -c user.name="{name}" -c user.email="{email}" \\
  commit --quiet --no-verify --message "{message}"
{push_setup}if ! git push --quiet {push_options}{remote} "HEAD:$JOBJOURNAL_BRANCH"; then
  git fetch --quiet origin "$JOBJOURNAL_BRANCH"
  if [ "$(git rev-parse FETCH_HEAD)" != "$base" ]; then
    echo "jobjournal: $JOBJOURNAL_BRANCH moved on during this run; its newer run updates the agenda"
    exit 0
  fi
  echo "jobjournal: the push was refused: {refused}" >&2
  exit 1
fi
git log -1 --format="jobjournal: committed %h (%s)"
"""

_GITLAB_PUSH_SETUP = """\
if [ -z "${{{token}:-}}" ]; then
  echo "jobjournal: no CI/CD variable {token}: add a project access token with the" \\
    "write_repository scope under Settings > CI/CD > Variables (masked)" >&2
  exit 1
fi
push_url="https://oauth2:${{{token}}}@${{CI_SERVER_HOST}}/${{CI_PROJECT_PATH}}.git"
"""


def update_script(provider: str) -> str:
    """The shell script of the step that runs `jobjournal agenda` and commits back."""
    if provider == "github":
        name, email = GITHUB_BOT
        return _UPDATE.format(
            name=name, email=email, message=COMMIT_MESSAGE, push_setup="", push_options="",
            remote="origin",
            refused="allow Actions to write (Settings > Actions > General > Workflow permissions)",
        )  # fmt: skip
    name, email = GITLAB_BOT
    return _UPDATE.format(
        name=name, email=email, message=COMMIT_MESSAGE,
        push_setup=_GITLAB_PUSH_SETUP.format(token=GITLAB_TOKEN_VARIABLE),
        push_options="-o ci.skip ", remote='"$push_url"',
        refused=f"give {GITLAB_TOKEN_VARIABLE} the Developer role and write_repository, and "
        "let it push to the protected branch",
    )  # fmt: skip


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


# --- GitHub Actions -------------------------------------------------------------------------------


def github_workflow(*, install: str, zone: Zone, vault_path: str) -> str:
    """`.github/workflows/jobjournal.yml` for a vault at `vault_path` in its repository."""
    cron = morning_cron(zone.standard_offset)
    subfolder = vault_path not in ("", ".")
    paths = f"    paths: [{_yaml_str(vault_path + '/**')}]\n" if subfolder else ""
    working = (
        f"    defaults:\n      run:\n        working-directory: {_yaml_str(vault_path)}\n"
        if subfolder else ""
    )  # fmt: skip
    tz = f"      TZ: {_yaml_str(zone.tz_name)}\n" if zone.tz_name else ""
    bot = GITHUB_BOT[0]
    return f"""\
{HEADER.format(provider="github")} (jobjournal {__version__}); run it again to rewrite this file.
# Keeps the agenda current on days you only edit on your phone: on every push and every morning it
# installs jobjournal, runs `jobjournal agenda` (applies the items you ticked in the agenda, and
# regenerates the agenda and the board) and commits what changed as {bot}.
# It never loops: a push made with the workflow's GITHUB_TOKEN starts no workflow run, and the job
# skips a push whose last commit is the bot's or says [skip ci] all the same. It commits nothing
# when nothing changed. Needs "Read and write permissions" for Actions (Settings > Actions >
# General > Workflow permissions) and, on a protected branch, a rule that lets Actions push.
name: jobjournal agenda
on:
  push:
    branches: ["**"]
{paths}  schedule:
    # {_when(zone)}. (GitHub may start it late.)
    - cron: "{cron}"
  workflow_dispatch:
permissions:
  contents: write
concurrency:
  group: jobjournal-${{{{ github.ref }}}}
  cancel-in-progress: false
jobs:
  agenda:
    if: >-
      github.event_name != 'push' || (!github.event.deleted
      && github.event.head_commit.author.name != '{bot}'
      && !contains(github.event.head_commit.message, '[skip ci]'))
    runs-on: ubuntu-latest
    timeout-minutes: 15
    env:
      JOBJOURNAL_INSTALL: {_yaml_str(install)}
      JOBJOURNAL_BRANCH: ${{{{ github.ref_name }}}}
{tz}{working}    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "{PYTHON}"
      - name: Install jobjournal
        run: python -m pip install --quiet "$JOBJOURNAL_INSTALL"
      - name: Update the agenda and commit it
        run: |
{_indent(update_script("github"), 10)}"""


# --- GitLab CI ------------------------------------------------------------------------------------


def gitlab_pipeline(*, install: str, zone: Zone, vault_path: str, include: bool = False) -> str:
    """`.gitlab-ci.yml` (or, with `include`, a file for the user's own to include)."""
    cron = morning_cron(zone.standard_offset)
    subfolder = vault_path not in ("", ".")
    cd = f"cd {_shell_quote(vault_path)}\n" if subfolder else ""
    tz = f"    TZ: {_yaml_str(zone.tz_name)}\n" if zone.tz_name else ""
    bot = GITLAB_BOT[0]
    how = (
        "# Include it from your .gitlab-ci.yml:\n#   include:\n"
        f"#     - local: {GITLAB_INCLUDE_PATH}\n" if include else ""
    )  # fmt: skip
    return f"""\
{HEADER.format(provider="gitlab")} (jobjournal {__version__}); run it again to rewrite this file.
{how}# Keeps the agenda current on days you only edit on your phone: on every push and every scheduled
# pipeline it installs jobjournal, runs `jobjournal agenda` (applies the items you ticked in the
# agenda, and regenerates the agenda and the board) and commits what changed as {bot}.
# Set up once:
# - a project access token (role Developer, scope write_repository) in a masked CI/CD variable
#   {GITLAB_TOKEN_VARIABLE} (Settings > CI/CD > Variables): the job pushes with it;
# - the morning run: Build > Pipeline schedules > New schedule, interval "0 {MORNING_HOUR} * * *" with
#   the cron timezone {zone.label} (or "{cron}" in UTC: 06:00 there in standard time).
# It never loops: the bot's push carries the ci.skip push option, its commit says [skip ci], and
# the rules below skip a pipeline of the bot's commit all the same. It commits nothing when nothing
# changed; the resource group keeps two runs from racing.
jobjournal-agenda:
  image: python:{PYTHON}
  resource_group: jobjournal-agenda
  rules:
    - if: $CI_COMMIT_AUTHOR =~ /^{bot} </
      when: never
    - if: $CI_COMMIT_BRANCH && ($CI_PIPELINE_SOURCE == "push" || $CI_PIPELINE_SOURCE == "schedule" || $CI_PIPELINE_SOURCE == "web")
  variables:
    JOBJOURNAL_INSTALL: {_yaml_str(install)}
    JOBJOURNAL_BRANCH: $CI_COMMIT_BRANCH
{tz}  script:
    - python -m pip install --quiet "$JOBJOURNAL_INSTALL"
    - |
{_indent(cd + update_script("gitlab"), 6)}"""  # noqa: E501


def _shell_quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def workflow_file(provider: str, top: Path, *, gitlab_include: bool) -> Path:
    """Where the file of `provider` goes in the repository whose top is `top`."""
    if provider == "github":
        return top / GITHUB_PATH
    return top / (GITLAB_INCLUDE_PATH if gitlab_include else GITLAB_PATH)


def is_ours(text: str, provider: str) -> bool:
    """Whether a file's text was written by this command."""
    return text.startswith(HEADER.format(provider=provider))


# --- writing it -----------------------------------------------------------------------------------


def write_workflow(
    provider: str, top: Path, vault_path: str, *, install: str, zone: Zone, force: bool,
    dry_run: bool = False,
) -> list[str]:  # fmt: skip
    """Write the workflow of `provider` into the repository whose top is `top` (the vault at
    `vault_path` in it); return what to tell the user. A different file already there is replaced
    only with `force`; a .gitlab-ci.yml this command did not write is never touched: the job then
    goes into a file of its own, for that one to include. `dry_run`: refuse as it would, write
    nothing."""
    from jobjournal.errors import RefusalError
    from jobjournal.vault.atomic import atomic_write

    include = provider == "gitlab" and _theirs(top / GITLAB_PATH, provider)
    path = workflow_file(provider, top, gitlab_include=include)
    if provider == "github":
        text = github_workflow(install=install, zone=zone, vault_path=vault_path)
    else:
        text = gitlab_pipeline(install=install, zone=zone, vault_path=vault_path, include=include)
    relpath = path.relative_to(top).as_posix()
    try:
        old: str | None = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = None
    except (OSError, UnicodeDecodeError) as exc:
        raise RefusalError(f"{relpath}: cannot read it ({exc}); move it away first") from None
    said: list[str] = []
    cron = morning_cron(zone.standard_offset)
    if old == text:
        said.append(f"nothing to do: {relpath} is up to date")
    elif old is not None and not force:
        whose = "an older one of jobjournal's" if is_ours(old, provider) else "not jobjournal's"
        raise RefusalError(
            f"{relpath} exists and differs ({whose}): run again with --force to replace it, or "
            "move it away first"
        )
    elif not dry_run:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text.encode("utf-8"))
        said.append(f"wrote {relpath}")
    if include:
        said.append(
            f"{GITLAB_PATH} is yours, so it was left alone: add `include: [{{local: "
            f"{GITLAB_INCLUDE_PATH}}}]` to it" + (
                " (it includes it already)" if GITLAB_INCLUDE_PATH in
                (top / GITLAB_PATH).read_text(encoding="utf-8", errors="replace") else "")
        )  # fmt: skip
    if provider == "github":
        said.append(
            'on GitHub: Settings > Actions > General > Workflow permissions: "Read and write '
            'permissions", so that the workflow can push the agenda'
        )
        said.append(f'every morning: cron "{cron}", {_when(zone)}')
    else:
        when = (f'"0 {MORNING_HOUR} * * *" with the cron timezone {zone.tz_name}' if zone.tz_name
                else f'"{cron}" (06:00 in {zone.label}, in UTC)')  # fmt: skip
        said.append(
            f"on GitLab: a project access token (Developer, write_repository) in the masked CI/CD "
            f"variable {GITLAB_TOKEN_VARIABLE}, and a pipeline schedule {when} for the morning run"
        )
    if zone.tz_name is None:
        said.append(
            "warning: the CI machine's clock is in UTC: set [calendar] timezone in "
            ".jobjournal.toml so that its agenda is for your date"
        )
    return said


def _theirs(path: Path, provider: str) -> bool:
    """Whether `path` is a file this command did not write."""
    try:
        return not is_ours(path.read_text(encoding="utf-8", errors="replace"), provider)
    except FileNotFoundError:
        return False
