"""Saving a figure: the PNG is matplotlib's own tight PNG, the SVG shares its box.

`figures.save` measures the tight box once instead of letting savefig measure it per format
(a third of the figures' time in a run). These tests hold it to what savefig itself would
write, so a faster save cannot quietly change what the report shows.
"""
from __future__ import annotations

import io
import re

import matplotlib as mpl
import pytest
from matplotlib.figure import Figure

from analysis.presentation import figures


def _figure() -> Figure:
    """Two panels, a legend, long tick labels and a subtitle: everything that moves the box."""
    with mpl.rc_context(figures.STYLE):
        fig = Figure()
        left, right = fig.subplots(1, 2)
        left.barh(["een heel lange rijnaam", "kort"], [3, 7], label="aantal")
        left.set_title("Links")
        left.legend(loc="best")  # placed when measured, as in a draw
        right.plot([2020, 2021, 2022], [1_000, 25_000, 12_500], label="reeks")
        right.yaxis.set_major_formatter(figures.thousands)
        right.set_title("Rechts")
        fig.text(0.01, 0.01, "Bron: een ondertitel die ver doorloopt naar rechts", fontsize=8)
        fig.tight_layout(rect=(0, 0.03, 0.93, 1))
    return fig


def _savefig_tight(fmt: str) -> bytes:
    buf = io.BytesIO()
    with mpl.rc_context(figures.STYLE):
        _figure().savefig(buf, format=fmt, metadata=figures._METADATA[fmt], bbox_inches="tight")
    return buf.getvalue()


def _svg_size(svg: bytes) -> tuple[float, float]:
    w, h = re.search(rb'width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups()
    return float(w), float(h)


def _png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_the_png_is_byte_for_byte_what_savefig_tight_writes(tmp_path):
    png, _svg = figures.save(_figure(), tmp_path, "f")
    assert png.read_bytes() == _savefig_tight("png")
    assert figures.png(_figure()) == _savefig_tight("png")


def test_the_svg_has_the_pngs_box_within_a_point_of_its_own(tmp_path):
    png, svg = figures.save(_figure(), tmp_path, "f")
    width, height = _svg_size(svg.read_bytes())
    own_width, own_height = _svg_size(_savefig_tight("svg"))
    assert width == pytest.approx(own_width, abs=1.0) and height == pytest.approx(own_height, abs=1.0)
    px_w, px_h = _png_size(png.read_bytes())
    dpi = figures.STYLE["savefig.dpi"]
    # the same box in inches: the PNG's pixels (rounded by Agg) and the SVG's points
    assert width / 72 == pytest.approx(px_w / dpi, abs=1 / dpi) and height / 72 == pytest.approx(px_h / dpi, abs=1 / dpi)


def test_saving_draws_the_figure_once_per_format(tmp_path, monkeypatch):
    """savefig draws twice per format when asked for the tight box or when a layout engine is
    set (tight_layout leaves one behind); the box measured once, without a draw, leaves one
    draw per format."""
    fig = _figure()
    draws = []
    original = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: (draws.append(1), original(self, renderer))[1])
    figures.save(fig, tmp_path, "f")
    assert len(draws) == len(figures._METADATA)


def test_saving_twice_writes_identical_files(tmp_path):
    a = figures.save(_figure(), tmp_path / "a", "f")
    b = figures.save(_figure(), tmp_path / "b", "f")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_every_figure_of_a_run_is_savefigs_own_png(synthetic):
    """The suite's eleven figures on the synthetic extract: the PNG `save` writes is the one
    savefig(bbox_inches="tight") writes of the same figure."""
    from analysis.core.params import Parameters
    from analysis.definitions import monitor, registry
    from analysis.interface.session import Session
    from analysis.presentation import monitor_figures

    session = Session(extract=synthetic, params=Parameters(), out=None)
    makers = {name: (lambda name=name, df=session.table(name): figures.figure(name, df, subtitle="bron"))
              for name in registry.LETTER_OUTPUTS}
    tables = session.monitor_tables()
    for name in registry.MONITOR_OUTPUTS:
        data = (monitor.maandreeksen(synthetic, session.params, tables[name], session.protect)
                if name == monitor.TIJDREEKS else
                monitor.figure_data(synthetic, name, session.params, tables[name], session.protect))
        makers[name] = lambda name=name, data=data: monitor_figures.figure(name, data, subtitle="bron")
    for name, make in makers.items():
        buf = io.BytesIO()
        with mpl.rc_context(figures.STYLE):
            make().savefig(buf, format="png", metadata=figures._METADATA["png"], bbox_inches="tight")
        assert figures.png(make()) == buf.getvalue(), name
