"""The knowledge-base version means something: it changes whenever the knowledge does."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests.kb.kb_edits import copy_kb, replace_in

from legdx import assess, load_kb, parse_case

VERSIONS = Path(__file__).with_name("kb_versions.toml")


def test_checksum_is_pinned_to_the_current_version(kb):
    pinned = tomllib.loads(VERSIONS.read_text())
    version = kb.meta.kb_version
    assert version in pinned, (
        f'kb_version {version} has no line in {VERSIONS.name}: add \'"{version}" = "{kb.checksum}"\''
    )
    assert pinned[version] == kb.checksum, (
        f"the knowledge changed but kb_version is still {version}: bump kb_version in kb.toml (and CHANGELOG.md) "
        f'and add \'"<new version>" = "{kb.checksum}"\' to {VERSIONS.name}'
    )


def test_versions_are_never_reused_for_other_content():
    pinned = tomllib.loads(VERSIONS.read_text())
    assert len(set(pinned.values())) == len(pinned), "two versions pin the same checksum"


def test_checksum_follows_every_kind_of_knowledge(tmp_path, repo, kb):
    """A change to a condition, a finding, a test, advice, a triage rule or a threshold moves the checksum."""

    edits = [
        replace_in("conditions/restless_legs_syndrome.yaml", "summary_lay: Restless", "summary_lay: Changed. Restless"),
        replace_in("findings.yaml", "question: ", "question: Changed "),
        replace_in("tests.yaml", "why: ", "why: Changed "),
        replace_in("advice.yaml", "text: ", "text: Changed "),
        replace_in("triage.yaml", "reason: ", "reason: Changed "),
        replace_in("thresholds.yaml", "meaning: ", "meaning: Changed "),
    ]
    for i, edit in enumerate(edits):
        changed = load_kb(copy_kb(tmp_path / str(i), repo, edit))
        assert changed.checksum != kb.checksum, i


def test_every_assessment_keeps_version_and_checksum(kb):
    a = assess(parse_case({"age": 60, "findings": {"calf_pain": True}}))
    assert a.kb_version == kb.meta.kb_version
    assert a.kb_checksum == kb.checksum
