"""Claims of lessons 08 and 09 that were once false (issue 13), held to what the lessons print.

Two kinds of guard:
- the prose of the lesson's .md must not say again what was false: momentum's zig-zag
  "gone", the loss that "tells the same story", the (1 - beta) momentum of "most
  textbooks", the CNN that needs "half as many epochs", the digits as "photographs";
- the committed .ipynb outputs of the cells that print the numbers must bear out what
  the prose says now: on the bowl of lesson 08, tuned momentum and Adam end closer to
  the minimum than tuned SGD (and so on, claim by claim, in `race_problems`); lesson 01's
  network trained by optim.SGD gives lesson 06's losses, and optim.Adam at 1e-2 beats it
  where Adam at SGD's 1e-3 does not (`two_layer_problems`); in lesson 09, the CNN,
  trained with the MLP's recipe, fits better and validates higher, and DataLoader's
  second epoch is its generator's third permutation (`sampler_problems`).

Each checker returns the list of claims that its input contradicts, so the tests below
also show that each checker rejects the old outputs and text (the guards can fail).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

# Phrases of the false claims, lower case, compared after collapsing whitespace, so a
# phrase split over two lines of the .md is still found.
FALSE_CLAIMS = {
    "08_optimizers": (
        "zig-zag is gone",       # tuned or not, momentum swings across the valley
        "no zig-zag",
        "tells the same story",  # the old loss plot disagreed with the old text
        "most textbooks",        # Polyak, Sutskever et al., Goodfellow et al., d2l: no (1 - beta)
        "textbook convention",
    ),
    "09_capstone": (
        "half as many epochs",   # the old CNN simply got half the epochs
        "needs twice as many",
        "photographs of handwritten",  # 4x4-block counts of scanned bitmaps, not photographs
    ),
}


def false_claims_in(text: str, phrases: tuple[str, ...]) -> list[str]:
    flat = " ".join(text.split()).lower()
    return [phrase for phrase in phrases if phrase in flat]


def printed_by(notebook: Path, marker: str) -> str:
    """The printed (stream) output of the one code cell whose source contains marker."""
    cells = [cell for cell in json.loads(notebook.read_text())["cells"]
             if cell["cell_type"] == "code" and marker in "".join(cell["source"])]
    assert len(cells) == 1, (
        f"{notebook.name}: {len(cells)} code cells contain {marker!r} (expected one); if the "
        "lesson's .md has it, the .ipynb needs re-executing")
    text = "".join("".join(output.get("text", "")) for output in cells[0].get("outputs", [])
                   if output["output_type"] == "stream")
    assert text, f"{notebook.name}: the cell with {marker!r} has no printed output; re-execute it"
    return text


# ---------------------------------------------------------------- lesson 08: the bowl

LIMIT_LINE = re.compile(r"y shrinks only if lr < 2 / \S+ = (?P<limit>\S+);")
RACE_LINE = re.compile(r"^(?P<name>\w+)\s+(?P<settings>lr=.*?)\s+widest swing in y\s+"
                       r"(?P<swing>\S+)\s+distance after 50 steps (?P<distance>\S+)$", re.M)
LOOKAHEAD_LINE = re.compile(r"momentum 0\.9 (?P<plain>\S+), Lookahead (?P<look>\S+), "
                            r"tuned momentum of section 4 (?P<tuned>\S+)$", re.M)
PICTURE_HALF_HEIGHT = 4  # the race picture shows -4 <= y <= 4 (np.linspace(-4, 4, ...))


def parse_race(text: str) -> dict[str, dict[str, float]]:
    """{name: {"lr": .., ["momentum": ..,] "swing": .., "distance": ..}} from the race cell."""
    race = {}
    for match in RACE_LINE.finditer(text):
        entry = {key: float(value) for key, value in
                 (pair.split("=") for pair in match["settings"].split(", "))}
        entry.update(swing=float(match["swing"]), distance=float(match["distance"]))
        race[match["name"]] = entry
    return race


def race_problems(limit_text: str, race_text: str, lookahead_text: str) -> list[str]:
    """The claims of lesson 08, sections 2, 4 and 5, that the printed numbers contradict."""
    limit_match = LIMIT_LINE.search(limit_text)
    look = LOOKAHEAD_LINE.search(lookahead_text)
    race = parse_race(race_text)
    if limit_match is None or look is None or set(race) != {"SGD", "momentum", "Adam",
                                                            "RMSprop"}:
        return ["the stability limit, the race of SGD, momentum, Adam and RMSprop, or the "
                "Lookahead distances are not printed in the expected form"]
    limit = float(limit_match["limit"])
    sgd, momentum, adam, rmsprop = (race[name] for name in ("SGD", "momentum", "Adam",
                                                            "RMSprop"))
    claims = {
        "momentum ends closer to the minimum than SGD": momentum["distance"] < sgd["distance"],
        "Adam ends closer to the minimum than SGD": adam["distance"] < sgd["distance"],
        "momentum ends closest of the three drawn": momentum["distance"] < adam["distance"],
        "RMSprop ends closer still": rmsprop["distance"] < momentum["distance"],
        "RMSprop's learning rate is the largest candidate (1)": rmsprop["lr"] == 1,
        "RMSprop's first step leaves the picture": rmsprop["swing"] > PICTURE_HALF_HEIGHT,
        "momentum's widest swing across the valley is wider than SGD's":
            momentum["swing"] > sgd["swing"],
        "SGD's learning rate is under the stability limit": sgd["lr"] < limit,
        "momentum's learning rate is above the stability limit": momentum["lr"] > limit,
        "Lookahead ends closer than the momentum it wraps":
            float(look["look"]) < float(look["plain"]),
        "tuned momentum ends closer than Lookahead": float(look["tuned"]) < float(look["look"]),
    }
    return [claim for claim, holds in claims.items() if not holds]


# What the scratch run of the lesson as written printed (the .ipynb, once re-executed,
# should print the same): the checker must accept it.
SCRATCH_LIMIT = "y shrinks only if lr < 2 / 100 = 0.02; at that rate each step moves x by 2% of " \
                "its distance\nlr=0.005  distance from the minimum after 50 steps:         7\n"
SCRATCH_RACE = """\
SGD      lr=0.0178                widest swing in y  1.17   distance after 50 steps 3.67
momentum lr=0.0316, momentum=0.7  widest swing in y  3.69   distance after 50 steps 0.00258
Adam     lr=0.237                 widest swing in y  1.26   distance after 50 steps 0.283
RMSprop  lr=1                     widest swing in y  8.50   distance after 50 steps 6.65e-27
"""
SCRATCH_LOOKAHEAD = ("distance after 50 steps: momentum 0.9 0.681, Lookahead 0.415, "
                     "tuned momentum of section 4 0.00258\n")


def test_race_checker_accepts_the_scratch_run():
    assert race_problems(SCRATCH_LIMIT, SCRATCH_RACE, SCRATCH_LOOKAHEAD) == []


def test_race_checker_rejects_the_old_race():
    # The numbers the old lesson printed (curvature 20, hand-picked rates), in today's format:
    # SGD beat momentum, and momentum (0.02) sat below the old limit of 0.1.
    old_race = """\
SGD      lr=0.09                  widest swing in y  1.20   distance after 50 steps 0.081
momentum lr=0.02, momentum=0.9    widest swing in y  1.20   distance after 50 steps 0.666
Adam     lr=0.5                   widest swing in y  1.00   distance after 50 steps 0.034
RMSprop  lr=0.1                   widest swing in y  1.00   distance after 50 steps 0.709
"""
    old_limit = SCRATCH_LIMIT.replace("2 / 100 = 0.02", "2 / 20 = 0.1")
    problems = race_problems(old_limit, old_race, SCRATCH_LOOKAHEAD)
    assert "momentum ends closer to the minimum than SGD" in problems
    assert "momentum's learning rate is above the stability limit" in problems
    assert "RMSprop ends closer still" in problems
    # and the old output itself, in the old format, is not accepted at all
    old_output = "SGD, lr=0.09           distance from the minimum after 50 steps: 0.081\n"
    assert race_problems(old_limit, old_output, SCRATCH_LOOKAHEAD) != []


def test_lesson_08_prints_what_its_race_prose_claims():
    notebook = NOTEBOOKS / "08_optimizers.ipynb"
    problems = race_problems(printed_by(notebook, "y shrinks only if"),
                             printed_by(notebook, "contestants = {"),
                             printed_by(notebook, "def lookahead_momentum"))
    assert problems == [], f"08_optimizers.ipynb prints numbers that contradict: {problems}"


# ---------------------------------------------------------------- lesson 08: lesson 01's network

SGD_GAP_LINE = re.compile(r"largest difference from lesson 06's losses: (?P<gap>\S+)$", re.M)
TABLE_LINE = re.compile(r"^(?P<name>SGD lr=1e-3|Adam lr=1e-3|Adam lr=1e-2)\s+(?P<losses>[^(]+)"
                        r"\(the loss rose at (?P<rises>\d+) steps\)$", re.M)


def two_layer_problems(sgd_text: str, adam_text: str) -> list[str]:
    """The claims of lesson 08, sections 1 and 3.6 and the summary, that the output contradicts."""
    gap = SGD_GAP_LINE.search(sgd_text)
    table = {m["name"]: ([float(v) for v in m["losses"].split()], int(m["rises"]))
             for m in TABLE_LINE.finditer(adam_text)}
    if gap is None or len(table) != 3:
        return ["the SGD/lesson 06 gap or the SGD/Adam table is not printed in the expected form"]
    (sgd, sgd_rises), (slow, slow_rises), (adam, adam_rises) = (
        table[name] for name in ("SGD lr=1e-3", "Adam lr=1e-3", "Adam lr=1e-2"))
    claims = {
        "optim.SGD gives lesson 06's losses exactly": float(gap["gap"]) == 0,
        "Adam at 1e-2 is ahead of SGD at every step of the table":
            all(a < s for a, s in zip(adam, sgd)),
        "Adam at 1e-2 ends more than six orders of magnitude below SGD":
            adam[-1] * 1e6 < sgd[-1],
        "Adam at 1e-3 is behind SGD at every step of the table":
            all(a > s for a, s in zip(slow, sgd)),
        "neither loss ever rose": sgd_rises == adam_rises == slow_rises == 0,
    }
    return [claim for claim, holds in claims.items() if not holds]


SCRATCH_SGD = "largest difference from lesson 06's losses: 0.0\n"
SCRATCH_ADAM = """\
loss before step:        10        50       100       300
SGD lr=1e-3             191      3.06     0.145  4.89e-05   (the loss rose at 0 steps)
Adam lr=1e-3            671       221      39.4    0.0594   (the loss rose at 0 steps)
Adam lr=1e-2            120      1.04   0.00605   5.9e-12   (the loss rose at 0 steps)
"""


def test_two_layer_checker_accepts_the_scratch_run():
    assert two_layer_problems(SCRATCH_SGD, SCRATCH_ADAM) == []


def test_two_layer_checker_rejects_a_gap_and_an_adam_that_lags():
    assert two_layer_problems("largest difference from lesson 06's losses: 1e-12\n",
                              SCRATCH_ADAM) == ["optim.SGD gives lesson 06's losses exactly"]
    lagging = SCRATCH_ADAM.replace("120      1.04   0.00605   5.9e-12   (the loss rose at 0",
                                   "120      1.04   0.00605   1.2e-05   (the loss rose at 3")
    assert two_layer_problems(SCRATCH_SGD, lagging) == [
        "Adam at 1e-2 ends more than six orders of magnitude below SGD",
        "neither loss ever rose"]
    assert two_layer_problems(SCRATCH_SGD, "") != []


def test_lesson_08_prints_what_its_two_layer_prose_claims():
    notebook = NOTEBOOKS / "08_optimizers.ipynb"
    problems = two_layer_problems(printed_by(notebook, "largest difference from lesson 06"),
                                  printed_by(notebook, "adam_losses = {"))
    assert problems == [], f"08_optimizers.ipynb prints numbers that contradict: {problems}"


# ---------------------------------------------------------------- lesson 09: MLP and CNN

MODEL_LINE = re.compile(r"^(?P<name>MLP|CNN): final training loss (?P<loss>\S+), best validation "
                        r"accuracy (?P<val>\S+)% at epoch \d+ of (?P<epochs>\d+)$", re.M)
AHEAD_LINE = re.compile(r"validation accuracy is above the MLP's: (?P<ahead>\d+) of (?P<of>\d+)")
FAR_BELOW = 10  # "far below": at least ten times lower (the scratch run: about sixty)


def comparison_problems(text: str) -> list[str]:
    """The claims of lesson 09, section 8 and the summary, that the printed numbers contradict."""
    models = {m["name"]: m for m in MODEL_LINE.finditer(text)}
    ahead = AHEAD_LINE.search(text)
    if set(models) != {"MLP", "CNN"} or ahead is None:
        return ["the MLP/CNN comparison is not printed in the expected form"]
    mlp, cnn = models["MLP"], models["CNN"]
    claims = {
        "both models trained for the same number of epochs": mlp["epochs"] == cnn["epochs"],
        "the CNN's training loss ends far below the MLP's":
            float(cnn["loss"]) * FAR_BELOW < float(mlp["loss"]),
        "the CNN's best validation accuracy is above the MLP's":
            float(cnn["val"]) > float(mlp["val"]),
        "the CNN's validation accuracy is above the MLP's at every epoch":
            ahead["ahead"] == ahead["of"] == mlp["epochs"],
    }
    return [claim for claim, holds in claims.items() if not holds]


SCRATCH_COMPARISON = """\
MLP: final training loss 0.1042, best validation accuracy 95.8% at epoch 5 of 12
CNN: final training loss 0.0017, best validation accuracy 98.3% at epoch 6 of 12
epochs where the CNN's validation accuracy is above the MLP's: 12 of 12
"""


def test_comparison_checker_accepts_the_scratch_run():
    assert comparison_problems(SCRATCH_COMPARISON) == []


def test_comparison_checker_rejects_unequal_training_and_a_lagging_cnn():
    # The old setup: the CNN got 6 epochs, the MLP 12 (numbers of the old run, this format).
    old = """\
MLP: final training loss 0.0480, best validation accuracy 97.2% at epoch 10 of 12
CNN: final training loss 0.0050, best validation accuracy 98.3% at epoch 5 of 6
epochs where the CNN's validation accuracy is above the MLP's: 5 of 6
"""
    problems = comparison_problems(old)
    assert "both models trained for the same number of epochs" in problems
    assert "the CNN's validation accuracy is above the MLP's at every epoch" in problems
    assert comparison_problems(old.replace("98.3%", "96.0%")) != []


def test_lesson_09_prints_what_its_comparison_prose_claims():
    text = printed_by(NOTEBOOKS / "09_capstone.ipynb", "validation accuracy is above the MLP's")
    problems = comparison_problems(text)
    assert problems == [], f"09_capstone.ipynb prints numbers that contradict: {problems}"


# ------------------------------------------------ lesson 09: RandomSampler's unused permutation

DRAWS_LINE = re.compile(r"the generator's permutations 1, 2, 3: (?P<draws>\[.*\])$", re.M)
EPOCHS_LINE = re.compile(r"DataLoader's epochs 1 and 2: +(?P<epochs>\[.*\])$", re.M)


def sampler_problems(text: str) -> list[str]:
    """The claims of lesson 09, section 12, that the printed permutations contradict."""
    draws, epochs = DRAWS_LINE.search(text), EPOCHS_LINE.search(text)
    if draws is None or epochs is None:
        return ["the generator's permutations and DataLoader's epochs are not printed"]
    (first, second, third), (epoch1, epoch2) = (json.loads(draws["draws"]),
                                               json.loads(epochs["epochs"]))
    claims = {
        "the first epoch is the generator's first permutation": epoch1 == first,
        "the second epoch is its third permutation, not its second":
            epoch2 == third and epoch2 != second,
    }
    return [claim for claim, holds in claims.items() if not holds]


def test_sampler_checker_accepts_the_scratch_run_and_rejects_a_sampler_that_draws_once():
    scratch = ("the generator's permutations 1, 2, 3: [[3, 2, 5, 4, 0, 1], [4, 5, 1, 2, 0, 3], "
               "[3, 2, 0, 5, 4, 1]]\nDataLoader's epochs 1 and 2:          [[3, 2, 5, 4, 0, 1], "
               "[3, 2, 0, 5, 4, 1]]\n")
    assert sampler_problems(scratch) == []
    once = scratch.replace("[3, 2, 5, 4, 0, 1], [3, 2, 0, 5, 4, 1]]",
                           "[3, 2, 5, 4, 0, 1], [4, 5, 1, 2, 0, 3]]")
    assert sampler_problems(once) == ["the second epoch is its third permutation, not its second"]


def test_lesson_09_prints_what_its_sampler_prose_claims():
    text = printed_by(NOTEBOOKS / "09_capstone.ipynb", "the generator's permutations 1, 2, 3")
    assert sampler_problems(text) == []


# ---------------------------------------------------------------- the prose


@pytest.mark.parametrize("lesson", sorted(FALSE_CLAIMS))
def test_a_false_claim_does_not_come_back(lesson):
    text = (NOTEBOOKS / f"{lesson}.md").read_text()
    assert false_claims_in(text, FALSE_CLAIMS[lesson]) == []


def test_false_claim_finder_catches_the_old_sentences():
    old_06 = ("Across the valley the alternating gradients cancel in the\n  average, and "
              "the zig-zag is gone. ... The formula above is the one found in most textbooks")
    old_07 = ("it reaches its best accuracy in\n  about half as many epochs ... real data: "
              "photographs of handwritten digits")
    assert false_claims_in(old_06, FALSE_CLAIMS["08_optimizers"]) == ["zig-zag is gone",
                                                                      "most textbooks"]
    assert false_claims_in(old_07, FALSE_CLAIMS["09_capstone"]) == [
        "half as many epochs", "photographs of handwritten"]
