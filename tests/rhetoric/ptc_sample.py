"""A tiny corpus in PTC v2 format, written for the tests (no third-party text)."""

from __future__ import annotations

from pathlib import Path

ARTICLES = {
    "901": ("Senator attacks rivals\n\n"
            "The senator called his opponents traitors on Monday.\n"
            "He said the plan was a total disaster for working families.\n"),
    "902": ("Council approves budget\n\n"
            "The council approved the road budget after a short debate.\n"
            "Critics asked whether the figures could really be trusted.\n"),
    "903": ("Mayor warns of chaos\n\n"
            "The mayor said the city faced a horrific wave of crime.\n"
            "Everyone knows the streets are no longer safe, she added.\n"),
    "904": ("Minister defends policy\n\n"
            "The minister said the policy would protect our great nation.\n"
            "Experts agree the reform is the only way forward.\n"),
    "905": ("Campaign rally\n\n"
            "Supporters chanted law and order outside the hall.\n"
            "The speaker called the press corrupt and dishonest.\n"),
}


def _span(art: str, fragment: str, technique: str) -> str:
    text = ARTICLES[art]
    start = text.index(fragment)
    return f"{art}\t{technique}\t{start}\t{start + len(fragment)}\n"


LABELS = [
    ("901", "traitors", "Name_Calling,Labeling"),
    ("901", "a total disaster", "Loaded_Language"),
    ("902", "whether the figures could really be trusted", "Doubt"),
    ("903", "horrific", "Loaded_Language"),
    ("903", "Everyone knows", "Bandwagon,Reductio_ad_hitlerum"),
    ("903", "the streets are no longer safe", "Appeal_to_fear-prejudice"),
    ("904", "our great nation", "Flag-Waving"),
    ("904", "Experts agree", "Appeal_to_Authority"),
    ("905", "law and order", "Slogans"),
    ("905", "corrupt", "Loaded_Language"),
]


def write_sample(root: Path) -> Path:
    folder = root / "semeval2020-task11-ptc"
    (folder / "train-articles").mkdir(parents=True)
    for art, text in ARTICLES.items():
        (folder / "train-articles" / f"article{art}.txt").write_text(text, encoding="utf-8")
    (folder / "train-task2-TC.labels").write_text(
        "".join(_span(*row) for row in LABELS), encoding="utf-8")
    return folder
