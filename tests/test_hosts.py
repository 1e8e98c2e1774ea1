"""`cityindex.load.hosts`: the class of the page a value was read on."""

from __future__ import annotations

import pytest

from cityindex.load.hosts import best_class, classify_url, host_of


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://jxj.wuhan.gov.cn/xxgk_9/a.html", "government"),
        ("https://www.nanjing.gov.cn/xxgkn/a.html", "government"),
        ("http://j.people.com.cn/n3/2021/0220/c95952-9820412.html", "news"),
        ("http://www.sx.news.cn/20240525/c.html", "news"),
        ("https://c.m.163.com/news/a/G60RDED305385KJD.html?spss=sps_sem", "news"),
        ("https://bj.crntt.com/doc/7_0_106242813_1.html", "news"),
        ("https://zh.wikisource.org/zh/%E7%A7%91", "transcription"),
        ("https://github.com/iamCristYe/DFC/blob/main/list.md", "transcription"),
        ("https://github.com/chenluo951-oss/lawdatify-site", "transcription"),
        ("https://github.com/someone/notes/blob/main/list.md", "unrelated"),
        ("https://github.com/iamCristYe/DFC-fork/list.md", "unrelated"),
        ("https://www.baike.com/wikiid/7269667462180831251", "unrelated"),
        ("http://game.yantai119.com/news/18027.html", "unrelated"),
        ("http://notgov.cn.example.com/a", "unrelated"),
        ("http://fakepeople.com.cn/a", "unrelated"),
    ],
)
def test_a_mirror_is_classed_by_its_host(url: str, expected: str) -> None:
    assert classify_url(url, mirror=True) == expected


def test_a_url_the_sources_row_calls_the_publisher_s_own_site_is_the_publisher() -> None:
    assert classify_url("https://szaicx.com/a", mirror=False) == "publisher"
    assert classify_url("https://www.cac.gov.cn/a", mirror=False) == "publisher"


def test_the_best_class_wins_and_no_class_is_unrelated() -> None:
    assert best_class(["unrelated", "news", "transcription"]) == "news"
    assert best_class(["unrelated", "publisher"]) == "publisher"
    assert best_class([]) == "unrelated"


def test_the_host_drops_www_and_the_port() -> None:
    assert host_of("https://www.baike.com:443/wikiid/1") == "baike.com"
    assert host_of("HTTP://Bj.CRNTT.com/doc") == "bj.crntt.com"


@pytest.mark.parametrize(
    "url",
    [
        "",
        "javascript:alert(1)",
        "not a url",
        "http://[::1]/x",
        "http://127.0.0.1:99999/x",
        "ftp://",
    ],
)
def test_a_malformed_or_odd_url_is_unrelated_never_an_error(url: str) -> None:
    assert classify_url(url, mirror=True) == "unrelated"
