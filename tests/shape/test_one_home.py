"""Facts written in two places for two readers stay one fact: the robot
words README.md gives the owner are exactly the list articled uses
(cgi/http/views.c's S_robot_words)."""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def _read(*path):
    with open(os.path.join(ROOT, *path), encoding="utf-8") as f:
        return f.read()


def test_readme_names_the_robot_words_views_c_uses():
    code = _read("cgi", "http", "views.c")
    table = re.search(r"S_robot_words\[\] = \{(.*?)\};", code, re.S)
    words = re.findall(r'"([^"]+)"', table.group(1))
    readme = _read("README.md")
    sentence = re.search(r"not a User-Agent containing any of(.*?)\(case",
                         readme, re.S)
    assert sentence is not None, "README.md's robot sentence moved"
    assert re.findall(r"`([^`]+)`", sentence.group(1)) == words
