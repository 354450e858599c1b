"""Intake benchmark: time to read a ~500-word clinical note into findings (issue 5: < 50 ms).

Run: .venv/bin/python -m bench.bench_intake   (prints one results line)

Reports, in a fresh process:
- pipeline build: the one-off cost of the first text read, split into importing spaCy, building its
  blank English pipeline (tokenizer + sentencizer), and loading the lexicon YAML and compiling every
  pattern; every ``legdx assess`` with text pays it;
- the ~500-word note below: median and best of 50 reads after one warm-up;
- a one-sentence text: median of 200 reads (the web app's typical input).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from importlib import resources

import yaml

NOTE = """
Clinic letter. 68-year-old man, retired builder, referred with a nine-month history of pain in the right
calf on walking. He can manage about two blocks, roughly 200 metres, before a cramping ache builds in the
calf and occasionally the right buttock; he has to stop and stand still for two or three minutes and the pain
goes away, then he can carry on for the same distance. Walking uphill or hurrying brings it on sooner. He
denies pain at rest and the pain does not wake him at night. No numbness or tingling in the feet, no
weakness, no back pain, and leaning forward on a shopping trolley makes no difference compared with simply
standing still. He has not noticed any ulcers or sores on his feet and there is no colour change. There is
no history of trauma. He has had no chest pain or shortness of breath.
Past medical history: hypertension, type 2 diabetes for twelve years (HbA1c 61 mmol/mol last month),
hypercholesterolaemia, and a previous DVT in 2015 after a knee arthroscopy. No known kidney disease.
Medications: metformin 1 g twice daily, ramipril 5 mg, atorvastatin 40 mg at night (for six years, dose
unchanged), aspirin 75 mg. He is not on an anticoagulant and takes no diuretic.
Social: smoked 20 a day for 45 years, now cut down to 10 a day; 40 pack-years. Drinks about 14 units a week.
Lives with his wife, who says he sleeps well. His father had a leg amputation for circulation problems; his
mother had restless legs. He is not sedentary and walks his dog twice daily.
Examination: BMI 31. Both feet warm with normal capillary refill. The right foot pulses are weak: dorsalis
pedis and posterior tibial not palpable on the right, both present on the left. Popliteal pulse weak on
the right. A right femoral bruit is heard. No calf tenderness, no swelling of either leg, no varicose veins,
no skin changes around the ankles. Sensation to 10 g monofilament intact at all sites and vibration sense
normal at the toes. Straight leg raise negative bilaterally. Power 5/5 throughout, reflexes normal.
Investigations: resting ABI 0.64 on the right and 1.02 on the left. After treadmill exercise the right ABI
fell to 0.41. Bloods: sodium 139, potassium 4.3 mmol/L, magnesium 0.82 mmol/L, corrected calcium
2.35 mmol/L, CK 120 U/L, ferritin 95 ug/L, fasting glucose 8.1 mmol/L, eGFR 78.
Impression: the history is classic for intermittent claudication of the right calf with a reduced ABI. There
are no features of spinal stenosis and no rest pain or tissue loss to suggest critical ischaemia. If he
develops pain at rest, a cold foot or a non-healing wound he should return urgently. Plan: supervised
exercise programme, smoking cessation support, optimise statin, continue aspirin, and arterial duplex
ultrasound of the right leg. I will see him again in three months.
"""


SHORT = "My calves ache after two blocks and it goes away when I stand still; no back pain."


def _times(func: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        func()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    from legdx.kb.schema import Finding

    data = yaml.safe_load((resources.files("legdx") / "knowledge" / "findings.yaml").read_text(encoding="utf-8"))
    findings = {d["id"]: Finding.model_validate(d) for d in data}
    t0 = time.perf_counter()
    import spacy  # noqa: F401 - timed on its own: the largest part of the build

    t1 = time.perf_counter()
    from legdx.intake import extract
    from legdx.intake.document import english
    from legdx.intake.matcher import get_matcher

    english()
    t2 = time.perf_counter()
    get_matcher()
    t3 = time.perf_counter()
    words = len(NOTE.split())
    out = extract(NOTE, findings)  # warm-up
    note = _times(lambda: extract(NOTE, findings), 50)
    short = _times(lambda: extract(SHORT, findings), 200)
    used = sum(1 for u in out if u.used)
    print(
        f"bench_intake: pipeline build {t3 - t0:.2f} s once per process (import spaCy {t1 - t0:.2f} s, "
        f"blank English + sentencizer {t2 - t1:.2f} s, lexicon + patterns {t3 - t2:.2f} s); "
        f"{words}-word note -> {used} findings: "
        f"median {statistics.median(note) * 1000:.1f} ms, best {min(note) * 1000:.1f} ms (target < 50 ms); "
        f"short text ({len(SHORT.split())} words): median {statistics.median(short) * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
