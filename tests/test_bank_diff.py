"""dreamq.bank_diff: question-level differences between git revisions, on real repositories."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from dreamq.bank_diff import diff_revisions
from dreamq.errors import DreamqError

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

CURIOSITY = """\
kind: bank
format: 1
id: curiosity
category: curiosity
title: Curiosity
questions:
  - id: first
    text: What surprised you?
    probes: [Why?]
    minutes: 3
    priority: core
    tags: [emotion]
    translations:
      zh-Hant:
        text: 什麼讓你驚訝？
        probes: [為什麼？]
  - id: second
    text: What did you expect?
    minutes: 2
  - id: third
    text: What would you change?
    minutes: 4
  - id: wanderer
    text: Where would you take it?
    minutes: 2
"""

DREAMER = """\
kind: bank
format: 1
id: dreamer
category: dreamer
title: Dreamer
questions:
  - id: wish
    text: What do you wish it did?
    minutes: 5
"""


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
    )
    return result.stdout.strip()


def write(repo: Path, name: str, text: str) -> None:
    path = repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "user.name", "Test")
    write(repo, "banks/curiosity.yaml", CURIOSITY)
    write(repo, "banks/dreamer.yaml", DREAMER)
    write(repo, "banks/notes.yaml", "kind: domain\nformat: 1\n")  # not a bank: ignored
    write(repo, ".github/ci.yml", "on: push\n")  # hidden, not a bank
    commit(repo, "first")
    return repo


def by_kind(diff, kind):
    return [c for c in diff.changes if c.kind == kind]


def test_no_changes_is_empty(repo):
    diff = diff_revisions("HEAD", repo=repo)
    assert diff.is_empty
    assert diff.changes == []
    assert "No question changes" in diff.to_text()
    assert json.loads(diff.to_json())["changes"] == []


def test_every_kind_of_question_change(repo):
    changed = (
        CURIOSITY.replace("What surprised you?", "What surprised you most?")
        .replace("什麼讓你驚訝？", "什麼最讓你驚訝？")
        .replace("probes: [Why?]", "probes: [Why is that?]")
        .replace("minutes: 3", "minutes: 5")
        .replace("priority: core", "priority: optional")
        .replace("tags: [emotion]", "tags: [emotion, surprise]")
        .replace(
            "  - id: second\n    text: What did you expect?\n    minutes: 2\n",
            "",
        )
        .replace(
            "  - id: wanderer\n    text: Where would you take it?\n    minutes: 2\n",
            "  - id: brand_new\n    text: What is new?\n    minutes: 1\n",
        )
    )
    write(repo, "banks/curiosity.yaml", changed)
    write(
        repo,
        "banks/dreamer.yaml",
        DREAMER + "  - id: wanderer\n    text: Where would you take it?\n    minutes: 3\n",
    )
    diff = diff_revisions("HEAD", repo=repo)

    reworded = {c.language: (c.old, c.new) for c in by_kind(diff, "reworded")}
    assert reworded == {
        "en": ("What surprised you?", "What surprised you most?"),
        "zh-Hant": ("什麼讓你驚訝？", "什麼最讓你驚訝？"),
    }
    assert all(c.ref == "curiosity/first" for c in by_kind(diff, "reworded"))
    [probes] = by_kind(diff, "probes")
    assert (probes.language, probes.old, probes.new) == ("en", ["Why?"], ["Why is that?"])
    minutes = {(c.ref, c.old, c.new) for c in by_kind(diff, "minutes")}
    # the moved question's minutes changed too, and is reported against its new bank
    assert minutes == {("curiosity/first", 3, 5), ("dreamer/wanderer", 2, 3)}
    [priority] = by_kind(diff, "priority")
    assert (priority.old, priority.new) == ("core", "optional")
    [tags] = by_kind(diff, "tags")
    assert tags.details["added"] == ["surprise"] and tags.details["removed"] == []
    [added] = by_kind(diff, "added")
    assert (added.ref, added.new, added.bank) == (
        "curiosity/brand_new",
        "What is new?",
        "curiosity",
    )
    [removed] = by_kind(diff, "removed")
    assert (removed.ref, removed.old) == ("curiosity/second", "What did you expect?")
    [moved] = by_kind(diff, "moved")
    assert (moved.old, moved.new) == ("curiosity/wanderer", "dreamer/wanderer")
    assert by_kind(diff, "reordered") == []
    assert not diff.is_empty

    text = diff.to_text()
    assert "+ curiosity/brand_new: What is new?" in text
    assert "- curiosity/second: What did you expect?" in text
    assert (
        "~ curiosity/first: reworded (en): What surprised you? → What surprised you most?" in text
    )
    assert "~ curiosity/first: minutes 3 → 5" in text
    assert "moved between banks, from curiosity/wanderer" in text
    assert text.index("curiosity (banks/curiosity.yaml)") < text.index(
        "dreamer (banks/dreamer.yaml)"
    )

    data = json.loads(diff.to_json())
    assert data["to"] == "working tree"
    assert data["counts"]["reworded"] == 2
    assert {"kind", "ref", "bank", "path", "language", "old", "new", "details"} == set(
        data["changes"][0]
    )


def test_reordered_names_only_the_questions_that_moved(repo):
    first = commit(repo, "same")
    reordered = CURIOSITY.replace(
        "  - id: third\n    text: What would you change?\n    minutes: 4\n", ""
    ).replace(
        "  - id: first\n",
        "  - id: third\n    text: What would you change?\n    minutes: 4\n  - id: first\n",
    )
    write(repo, "banks/curiosity.yaml", reordered)
    second = commit(repo, "reorder")
    diff = diff_revisions(first, second, repo=repo)
    assert [(c.kind, c.ref, c.old, c.new) for c in diff.changes] == [
        ("reordered", "curiosity/third", 3, 1)
    ]
    assert "reordered, position 3 → 1" in diff.to_text()


def test_a_question_moved_with_new_words_is_removed_and_added(repo):
    write(repo, "banks/curiosity.yaml", CURIOSITY.replace("  - id: wanderer\n", "  - id: gone\n"))
    write(
        repo,
        "banks/dreamer.yaml",
        DREAMER + "  - id: wanderer\n    text: Where else would you go?\n    minutes: 2\n",
    )
    kinds = {(c.kind, c.ref) for c in diff_revisions("HEAD", repo=repo).changes}
    assert ("removed", "curiosity/wanderer") in kinds
    assert ("added", "dreamer/wanderer") in kinds
    assert not any(kind == "moved" for kind, _ in kinds)


def test_banks_added_removed_and_renamed_between_commits(repo):
    first = git(repo, "rev-parse", "HEAD")
    (repo / "banks/dreamer.yaml").unlink()
    git(repo, "mv", "banks/curiosity.yaml", "banks/renamed.yaml")
    extra = DREAMER.replace("id: dreamer", "id: extra").replace("wish it did", "wish it had")
    write(repo, "more/extra.yml", extra)
    second = commit(repo, "second")
    diff = diff_revisions(first, second, repo=repo)
    [bank_added] = by_kind(diff, "bank-added")
    assert (bank_added.bank, bank_added.path) == ("extra", "more/extra.yml")
    assert [c.ref for c in by_kind(diff, "added")] == ["extra/wish"]
    [bank_removed] = by_kind(diff, "bank-removed")
    assert (bank_removed.bank, bank_removed.old) == ("dreamer", "Dreamer")
    assert [c.ref for c in by_kind(diff, "removed")] == ["dreamer/wish"]
    [renamed] = by_kind(diff, "bank-file-moved")
    assert (renamed.old, renamed.new) == ("banks/curiosity.yaml", "banks/renamed.yaml")
    assert len(diff.changes) == 5
    assert json.loads(diff.to_json())["to"] == second


def test_working_tree_sees_uncommitted_and_untracked_files(repo):
    write(repo, "banks/curiosity.yaml", CURIOSITY.replace("minutes: 4", "minutes: 6"))
    write(repo, "banks/untracked.yaml", DREAMER.replace("id: dreamer", "id: untracked"))
    diff = diff_revisions("HEAD", None, repo=repo)
    assert [(c.kind, c.bank) for c in diff.changes] == [
        ("minutes", "curiosity"),
        ("bank-added", "untracked"),
        ("added", "untracked"),
    ]
    # committed, HEAD has no changes against the working tree
    commit(repo, "all")
    assert diff_revisions("HEAD", repo=repo).is_empty
    assert diff_revisions("HEAD~1", "HEAD", repo=repo).changes == diff.changes


def test_path_filter(repo):
    write(repo, "banks/curiosity.yaml", CURIOSITY.replace("minutes: 4", "minutes: 6"))
    write(repo, "banks/dreamer.yaml", DREAMER.replace("minutes: 5", "minutes: 7"))
    both = diff_revisions("HEAD", repo=repo)
    assert {c.bank for c in both.changes} == {"curiosity", "dreamer"}
    only = diff_revisions("HEAD", paths=["banks/dreamer.yaml"], repo=repo)
    assert [(c.kind, c.bank, c.old, c.new) for c in only.changes] == [("minutes", "dreamer", 5, 7)]
    assert diff_revisions("HEAD", paths=["elsewhere"], repo=repo).is_empty


def test_a_bank_that_does_not_load_is_a_problem_not_a_crash(repo):
    first = git(repo, "rev-parse", "HEAD")
    write(repo, "banks/curiosity.yaml", CURIOSITY.replace("minutes: 3", "minutes: lots"))
    second = commit(repo, "broken")
    diff = diff_revisions(first, second, repo=repo)
    [problem] = diff.changes
    assert problem.kind == "problem"
    assert problem.path == "banks/curiosity.yaml"
    assert problem.details["revision"] == second
    assert f"{second}:banks/curiosity.yaml" in problem.new
    # the broken file's questions are not reported as removed
    assert not by_kind(diff, "bank-removed") and not by_kind(diff, "removed")
    assert not diff.is_empty
    assert "Files that do not load" in diff.to_text()

    write(repo, "banks/curiosity.yaml", "kind: bank\nformat: 1\nid: [unclosed\n")
    third = commit(repo, "not yaml")
    problems = diff_revisions(second, third, repo=repo).changes
    assert [(c.kind, c.details["revision"]) for c in problems] == [
        ("problem", second),
        ("problem", third),
    ]
    # mended: loads again
    write(repo, "banks/curiosity.yaml", CURIOSITY)
    fourth = commit(repo, "mended")
    [problem] = diff_revisions(third, fourth, repo=repo).changes
    assert problem.details["revision"] == third
    assert diff_revisions(first, fourth, repo=repo).is_empty


def test_duplicate_bank_ids_at_one_revision_are_a_problem(repo):
    write(repo, "copy/curiosity.yaml", CURIOSITY.replace("minutes: 4", "minutes: 9"))
    diff = diff_revisions("HEAD", repo=repo)
    [problem] = diff.changes
    assert problem.kind == "problem" and 'bank id "curiosity" is also in' in problem.new


def test_unknown_revision(repo):
    with pytest.raises(DreamqError, match='unknown revision "no-such-branch"'):
        diff_revisions("no-such-branch", repo=repo)
    with pytest.raises(DreamqError, match='unknown revision "--output=x"'):
        diff_revisions("HEAD", "--output=x", repo=repo)


def test_not_a_git_repository(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(DreamqError, match="not a git repository") as caught:
        diff_revisions("HEAD", repo=plain)
    assert caught.value.problems[0].file == str(plain)
    assert caught.value.problems[0].hint == (
        "run dreamq diff inside a git repository, or name one with -C DIR"
    )
    with pytest.raises(DreamqError, match="not a git repository"):
        diff_revisions("HEAD", repo=tmp_path / "missing")
