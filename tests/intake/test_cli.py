"""The real `python -m legdx assess -` with free text, through a subprocess."""

from __future__ import annotations

import json

import pytest
from tests.conftest import run_cli

pytestmark = pytest.mark.usefixtures("real_ckb")


def _assess(case: dict, fmt: str = "json"):
    return run_cli("assess", "-", "--format", fmt, stdin=json.dumps(case))


def test_text_only_case_is_understood_and_assessed():
    text = (
        "I'm a 68 year old man and a smoker. My calves ache after about two blocks and it goes away "
        "when I stand still for a minute or two. No back pain. My ABI was 0.62."
    )
    r = _assess({"text": text})
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    got = {u["finding"]: u for u in out["understood"]}
    assert got["pain_on_walking"]["value"] is True and got["abi"]["value"] == 0.62
    for u in out["understood"]:
        start, end = u["span"]
        assert text[start:end] == u["text"]
    assert out["conditions"][0]["id"] == "peripheral_artery_disease"


def test_explicit_findings_win_over_text():
    r = _assess({"text": "I smoke 20 a day.", "findings": {"smoker": False}})
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    smoker = [u for u in out["understood"] if u["finding"] == "smoker"]
    assert smoker and smoker[0]["value"] is True and smoker[0]["used"] is False
    assert out["case"]["findings"] == {"smoker": False}


def test_text_report_lists_what_was_understood(findings):
    r = _assess({"text": "Sudden severe pain in my left leg an hour ago, the foot is cold and white."}, "text")
    assert r.returncode == 0, r.stderr
    text = " ".join(r.stdout.decode().split())  # the report wraps its lines
    # the report names each finding in plain words (its lay label), with the words it was read from
    assert "What legdx understood" in text and findings["cold_pale_leg"].lay_label in text
    assert '"foot is cold and white"' in text


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ({"text": ""}, "text: is empty"),
        ({"text": "   \n "}, "text: is empty"),
        ({"text": "calf\u0000pain"}, "text: contains a control or binary character"),
        ({"text": "x" * 20001}, "text:"),
    ],
)
def test_bad_text_exits_2_with_one_line(case, message):
    r = _assess(case)
    assert r.returncode == 2
    err = r.stderr.decode()
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
