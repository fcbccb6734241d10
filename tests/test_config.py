import pytest

from generator.config import load_config
from generator.errors import ConfigError

from conftest import site_toml


def write(tmp_path, text):
    p = tmp_path / "site.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_paths_resolve_against_the_config_folder(tmp_path):
    cfg = load_config(write(tmp_path, site_toml()))
    assert cfg.articles_dir == tmp_path / "content" / "articles"
    assert cfg.output_dir == tmp_path / "_site"
    assert cfg.base_url == "https://example.github.io/digest/"
    assert cfg.base_path == "/digest/"
    assert [t.slug for t in cfg.topics] == ["rare-earths", "aukus", "us-china"]


@pytest.mark.parametrize("override, expected", [
    ("https://user.github.io/repo", "https://user.github.io/repo/"),
    ("https://example.org/", "https://example.org/"),
])
def test_base_url_override_gets_a_trailing_slash(tmp_path, override, expected):
    cfg = load_config(write(tmp_path, site_toml()), base_url=override)
    assert cfg.base_url == expected


def test_every_problem_is_reported_by_key(tmp_path):
    text = site_toml(extra="[feed]\nitems = -3\n").replace('title = "Test digest"', "titel = 1")
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    problems = info.value.problems
    assert "site.title: required" in problems
    assert any(p.startswith("site.titel: unknown key") and "'title'" in p for p in problems)
    assert "feed.items: expected a positive integer, got -3" in problems


def test_relative_base_url_is_rejected(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, site_toml(base_url="/digest/")))
    assert any(p.startswith("site.base_url: expected an absolute http(s) URL") for p in info.value.problems)


def test_unreadable_toml_is_one_clear_error(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, "[site\n"))
    assert info.value.problems[0].startswith("cannot read:")


@pytest.mark.parametrize("labels", [None, "x = [\n"])
def test_a_templates_folder_without_readable_labels_is_one_clear_line(site, capsys, labels):
    """paths.templates naming the wrong folder (or a broken labels.toml) names the file, and the
    last good _site/ is left as it was."""
    from generator.cli import main

    site.add_fixture("aukus-submarines.md")
    assert main(["build", "--config", str(site.config_path)]) == 0
    before = site.files()
    templates = site.own_templates()
    (templates / "labels.toml").unlink()
    if labels is not None:
        (templates / "labels.toml").write_text(labels, encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--config", str(site.config_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{templates / 'labels.toml'}: ")
    assert "unexpected" not in err[0] and site.files() == before


def test_outlets_and_zones_are_checked_by_key(tmp_path):
    extra = '''
[dates]
zones = { en = "Mars/Olympus" }

[outlets]
"example.com" = { en = 3, zone = "Nowhere/City", aka = "one name" }
'''
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, site_toml(extra=extra)))
    text = str(err.value)
    for key in ("dates.zones: en:", "outlets.example.com.en:", "outlets.example.com.zone:", "outlets.example.com.aka:"):
        assert key in text


def test_site_outlets_override_the_shipped_table_entry_by_entry(tmp_path):
    extra = '''
[outlets]
"reuters.com" = { en = "Reuters News" }
"my-local-paper.example" = { en = "The Local", zone = "Europe/Oslo" }
'''
    cfg = load_config(write(tmp_path, site_toml(extra=extra)))
    assert cfg.outlets["reuters.com"]["en"] == "Reuters News"
    assert cfg.outlets["reuters.com"]["zh-Hant"] == "路透社"  # the rest of the shipped entry stays
    assert cfg.outlets["my-local-paper.example"]["zone"] == "Europe/Oslo"
    assert cfg.zones["zh-Hant"] == "Asia/Taipei"  # Chinese articles: UTC+8 unless told otherwise
