"""Wire-copy fingerprints: copies score high containment, distinct stories on one event low."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from rhetorica.ingest.near_duplicates import (
    MIN_SHINGLES,
    band_keys,
    containment,
    fingerprint,
    is_copy,
    shingle_hashes,
)

STORY = (
    "HARLOW BAY, April 14 — The Harlow Bay council voted 6 to 3 on Tuesday to close the "
    "Pier Street ferry terminal for eleven months while crews replace its rotting pilings.\n\n"
    "Commuters will be moved to a temporary landing at Gull Point, about two miles north, "
    "where the city has leased a floating dock and forty parking spaces.\n\n"
    "Councilmember Rosa Adeyemi, who voted against the plan, said the detour would add half "
    "an hour to the trip for nurses working night shifts at Bayview Hospital.\n\n"
    "The works are expected to cost $18.4 million, most of it from a state harbour grant "
    "approved last autumn. The terminal last underwent major repairs in 1998.\n\n"
    "Ferry operator Tidewater Lines said it would add two early sailings from Gull Point to "
    "keep the morning schedule intact, and that fares would not change during the closure.")
OTHER_NEWSROOM = (
    "Ferry riders in Harlow Bay face a longer commute next year. By a 6-3 vote, the council "
    "agreed to shut the Pier Street terminal so that engineers can rebuild the foundations "
    "under it, a project budgeted at $18.4 million.\n\n"
    "Riders will board instead at Gull Point. Critics, including Rosa Adeyemi, argued that "
    "shift workers would bear the brunt, and Tidewater Lines promised extra sailings.\n\n"
    "Harbour engineers first flagged the decaying timber supports in an inspection report "
    "two years ago, warning that the structure could not be patched much longer.")


def test_shingles_ignore_case_and_punctuation():
    assert np.array_equal(shingle_hashes("The Council, voted: yes today."),
                          shingle_hashes("the council voted yes today"))
    assert len(shingle_hashes("one two three")) == 1 and len(shingle_hashes("")) == 0
    assert not np.array_equal(shingle_hashes("a b c d"), shingle_hashes("d c b a"))


def test_short_texts_get_no_fingerprint():
    assert fingerprint("The ferry terminal will close for repairs.") is None
    words = " ".join(f"w{i}" for i in range(MIN_SHINGLES + 3))
    assert fingerprint(words) is not None


def test_trimmed_and_relabelled_copy_is_a_copy():
    orig = fingerprint(STORY)
    paragraphs = STORY.split("\n\n")
    trimmed = "\n\n".join(["HARLOW BAY (Lakeshore Wire) — " + paragraphs[0].split("— ", 1)[1],
                           *paragraphs[1:3]])
    copy = fingerprint(trimmed)
    assert containment(orig, copy) > 0.8 and is_copy(orig, copy)


def test_another_newsrooms_account_of_the_same_event_is_not_a_copy():
    assert containment(fingerprint(STORY), fingerprint(OTHER_NEWSROOM)) < 0.15
    assert not is_copy(fingerprint(STORY), fingerprint(OTHER_NEWSROOM))


def test_band_keys_are_stable_across_processes():
    """Keys are stored: they must not depend on Python's per-process hash seed."""
    code = ("from rhetorica.ingest.near_duplicates import band_keys, fingerprint;"
            f"print(band_keys(fingerprint({STORY!r}))[:4])")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={"PYTHONHASHSEED": str(seed), "PATH": ""}, check=True).stdout
            for seed in (1, 2)}
    assert len(outs) == 1
    assert str(band_keys(fingerprint(STORY))[:4]) == outs.pop().strip()
    assert all(0 <= k < 2 ** 63 for k in band_keys(fingerprint(STORY)))


@pytest.mark.parametrize("seed", [0, 1])
def test_eval_copies_meets_the_targets(seed):
    from rhetorica.ingest.evaluate_copies import evaluate

    report = evaluate(seed=seed)
    ours, base = report["scores"]["rhetorica"], report["scores"]["baseline"]
    assert ours["precision"] >= 0.95 and ours["recall"] >= 0.90, ours
    assert ours["same_event_false"] == 0 and ours["same_event_pairs"] > 50
    assert base["recall"] < 0.2  # identical-text matching misses edited copies
