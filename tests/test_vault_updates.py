"""A vault held in memory and updated file by file, against the vault loaded from scratch.

`VaultState.update` is what the watcher calls after each burst of saves: it re-reads the files
named and, when all that changed is notes saved in place (the usual case), patches the Vault it
assembled last instead of assembling it again. Real files in a temporary folder are edited in
bursts by hypothesis (notes saved with new content, broken and fixed, created, deleted, turned
into conflict copies); after every burst the updated Vault must equal `load_vault`'s, and most
bursts (asserted: at least 80 %) must take the patching path.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobjournal.config import Config
from jobjournal.vault.reader import VaultState, load_vault

NAMES = ("Contacts/Dana.md", "Contacts/Sam.md", "Interviews/Acme.md", "Applications/Hooli.md",
         "Meetings/Coffee.md")
SAVED = [  # what a save may leave in a note: mostly valid notes, sometimes not
    "---\ntype: contact\nstay_in_touch: 14\n---\n## Log\n- 2026-11-20 Called [[Sam]]\n",
    "---\ntype: contact\nmissed_call: 2026-11-25T09:40\n---\n",
    "---\ntype: interview\ncompany: Acme\ndate: 2026-11-20\nrecruiter: \"[[Dana]]\"\n---\n",
    "---\ntype: interview\ndate: 2026-12-02\nstatus: scheduled\n---\n- [ ] Prepare 📅 2026-12-01\n",
    "---\ntype: application\napplied: 2026-11-10\n---\n## Log\n- 2026-11-18 Emailed\n",
    "---\ntype: meeting\ndate: 2026-11-24\n---\n",
    # notes with a problem of their own (a typo, a bad value), still read
    "---\ntype: interview\ndate: 2026-11-20\ndecison_date: 2026-11-25\n---\n",
    "---\ntype: contact\nstay_in_touch: lots\n---\n",
]
OTHER = ["Just a note without front matter.\n", "---\ntype: contact\nmissed_call: [\n---\n",
         "---\ntype: interview\ndate: 2026-02-30\n---\n"]  # not a note, or a broken one

# one edit in eighty something else than a note saved with new content: as in a real day
edits = st.sampled_from(range(80)).flatmap(lambda n: (
    st.tuples(st.just("save"), st.sampled_from(NAMES), st.sampled_from(SAVED)) if n > 2 else
    st.tuples(st.just("save"), st.sampled_from(NAMES), st.sampled_from(OTHER)) if n == 2 else
    st.tuples(st.just("delete"), st.sampled_from(NAMES), st.just("")) if n == 1 else
    st.tuples(st.just("conflict"), st.sampled_from(NAMES), st.sampled_from(SAVED))
))
taken: Counter[str] = Counter()


def _conflict_copy(path: str) -> str:
    return path.replace(".md", ".sync-conflict-20261120-123456-ABCDEFG.md")


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(edits, min_size=1, max_size=3), min_size=1, max_size=8))
def _updates_equal_fresh_loads(bursts: list[list[tuple[str, str, str]]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / ".jobjournal.toml").write_text("")
        for n, name in enumerate(NAMES):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(SAVED[n % len(SAVED)])
        # a name differing from Dana's by case only: a warning on both, which Dana's keeps
        (root / "Contacts/dana.md").write_text(SAVED[0])
        state = VaultState(root, Config())
        vault = state.refresh()
        tick = 1_000_000_000
        for burst in bursts:
            changed = []
            for action, name, text in burst:
                path = name if action != "conflict" else _conflict_copy(name)
                target = root / path
                if action == "delete":
                    target.unlink(missing_ok=True)
                else:
                    target.write_text(text)
                    tick += 1_000_000_000  # a stamp of its own, whatever the clock's resolution
                    os.utime(target, ns=(tick, tick))
                changed.append(path)
            before = vault
            vault = state.update(changed)
            taken["patched" if vault.paths is before.paths else "assembled"] += 1
            fresh = load_vault(root, Config())
            assert (vault.notes, vault.problems, vault.paths) == (
                fresh.notes, fresh.problems, fresh.paths)


def test_updates_equal_fresh_loads_and_mostly_patch() -> None:
    taken.clear()
    _updates_equal_fresh_loads()
    assert taken["patched"] >= 0.8 * sum(taken.values()), taken
