"""actlab.plotting and the plot/gallery/properties commands: figures for every activation, data read back from
the Axes, Chinese labels drawn with a font that has every glyph, CLI end to end."""
import io
import json
import subprocess
import sys
import warnings

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import actlab  # noqa: E402
from actlab.cli.main import entry  # noqa: E402
from actlab.plotting import LABELS, cjk_font, missing_glyphs, plot  # noqa: E402
from actlab.plotting.fonts import covers  # noqa: E402


def lines_by_gid(fig):
    return {line.get_gid(): line for ax in fig.axes for line in ax.get_lines() if line.get_gid()}


def render(fig):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png", dpi=40)
    return [str(w.message) for w in caught]


def test_orders_range_and_params_are_honoured():
    fig = plot(["elu", "relu"], orders=(0, 2), x_range=(-3, 2), params={"alpha": 2.0}, num=301)
    assert len(fig.axes) == 2
    lines = lines_by_gid(fig)
    assert {"elu/0", "elu/2", "relu/0", "relu/2"} <= set(lines)
    assert not any(g.split("/")[1] == "1" for g in lines)
    elu = actlab.get("elu", alpha=2.0)
    relu = actlab.get("relu")
    for gid, kernel in (("elu/0", elu), ("elu/2", elu.second_derivative), ("relu/0", relu),
                        ("relu/2", relu.second_derivative)):
        x = np.asarray(lines[gid].get_xdata(), float)
        y = np.asarray(lines[gid].get_ydata(), float)
        ok = np.isfinite(y)
        assert x.min() >= -3 and x.max() <= 2 and ok.sum() >= 295
        np.testing.assert_allclose(y[ok], kernel(x[ok]), rtol=1e-12, atol=1e-15)
    for ax in fig.axes:
        assert ax.get_xlim() == (-3.0, 2.0)
    assert lines["elu/0"].get_label() == "elu(alpha=2)" and lines["relu/0"].get_label() == "relu"


def test_axes_through_origin_and_kinks_marked():
    fig = plot(["relu", "hardtanh"], orders=(0, 1))
    for ax in fig.axes:
        assert ax.spines["left"].get_position() == ("data", 0.0)
        assert ax.spines["bottom"].get_position() == ("data", 0.0)
        assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    lines = lines_by_gid(fig)
    kink = lines["relu/1/kink"]
    assert list(kink.get_xdata()) == [0.0] and list(kink.get_ydata()) == [0.0]     # relu'(0) = 0 convention
    assert sorted(lines["hardtanh/0/kink"].get_xdata()) == [-1.0, 1.0]
    # the derivative's line is broken at the jump (no vertical segment drawn)
    y = np.asarray(lines["relu/1"].get_ydata(), float)
    assert np.isnan(y).sum() == 1


def test_discontinuous_function_is_broken_and_vector_view_is_drawn():
    fig = plot(["step", "softmax"], orders=(0, 1, 2), num=201)
    lines = lines_by_gid(fig)
    assert np.isnan(np.asarray(lines["step/0"].get_ydata(), float)).sum() == 1
    x = np.asarray(lines["softmax/0"].get_xdata(), float)
    np.testing.assert_allclose(lines["softmax/0"].get_ydata(), actlab.get("sigmoid")(x), rtol=1e-12)
    np.testing.assert_allclose(lines["softmax/1"].get_ydata(), actlab.get("sigmoid").derivative(x), rtol=1e-9)
    assert "softmax/2" not in lines
    notes = [t.get_text() for t in fig.axes[2].texts]
    assert LABELS["en"]["no_second"] in notes


def test_into_given_axes_and_bad_arguments():
    from matplotlib.figure import Figure
    fig = Figure()
    axes = fig.subplots(1, 2)
    assert plot("tanh", orders=(0, 1), ax=axes) is fig
    assert len(lines_by_gid(fig)) == 2
    for bad in ({"orders": (3,)}, {"orders": ()}, {"x_range": (2, 1)}, {"lang": "fr"},
                {"params": {"alpha": 1.0}}, {"x_range": (0, float("inf"))}):
        with pytest.raises(ValueError):
            plot("relu", **bad)
    with pytest.raises(ValueError, match="unknown activation"):
        plot("no_such_thing")


def _fonts_of(text):
    from matplotlib import font_manager
    prop = text.get_fontproperties()
    finder = getattr(font_manager.fontManager, "_find_fonts_by_props", None)
    if finder is not None:
        return [str(p) for p in finder(prop)]
    return [font_manager.findfont(prop)]


def test_chinese_labels_have_every_glyph():
    try:
        name, path = cjk_font()
    except ValueError as error:
        pytest.skip(f"no CJK font installed: {error}")
    assert covers(path, "".join(LABELS["zh"]["title"] + "".join(LABELS["zh"]["panels"])))
    fig = plot(["relu", "gelu", "softmax"], lang="zh")
    messages = render(fig)
    assert not [m for m in messages if "missing from font" in m or "Glyph" in m], messages
    texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip()]
    chinese = [t for t in texts if any("\u4e00" <= c <= "\u9fff" for c in t.get_text())]
    assert len(chinese) >= 4        # suptitle, three panel titles, the f'' note
    for t in texts:
        assert not missing_glyphs([t.get_text()], _fonts_of(t)), t.get_text()
    assert any(name == f for t in chinese for f in t.get_fontfamily())


def test_plotting_loads_matplotlib_lazily():
    code = "import sys, actlab.plotting; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# ---------------------------------------------------------------------------- CLI end to end
def test_cli_gallery_draws_every_registered_activation(tmp_path, capsys):
    out = tmp_path / "gallery"
    assert entry(["gallery", "--out", str(out), "--dpi", "30"]) == 0
    index = (out / "index.html").read_text()
    for spec in actlab.specs():
        figure = out / f"{spec.name}.png"
        assert figure.exists() and figure.stat().st_size > 0, spec.name
        assert f'id="{spec.name}"' in index and f'src="{spec.name}.png"' in index
    assert "softmax([x, 0])[0]" in (out / "index.md").read_text()
    assert str(len(actlab.names())) in capsys.readouterr().out


def test_cli_plot_writes_each_format(tmp_path):
    for suffix in ("png", "svg", "pdf"):
        target = tmp_path / f"fig.{suffix}"
        args = ["plot", "relu", "gelu", "mish", "--orders", "0,1", "--range", "-3", "3", "--out", str(target)]
        assert entry(args + (["--dpi", "40"] if suffix == "png" else [])) == 0
        assert target.stat().st_size > 0
    assert entry(["plot", "elu", "--param", "alpha=2", "--out", str(tmp_path / "e.png"), "--dpi", "30"]) == 0


@pytest.mark.parametrize("args", [
    ["plot", "nope", "--out", "x.png"],
    ["plot", "relu", "--out", "x.gif"],
    ["plot", "relu", "--orders", "0,7", "--out", "x.png"],
    ["plot", "relu", "--orders", "a", "--out", "x.png"],
    ["plot", "relu", "--range", "3", "-3", "--out", "x.png"],
    ["plot", "relu", "--param", "alpha=2", "--out", "x.png"],
    ["plot", "relu", "--lang", "fr", "--out", "x.png"],
    ["gallery", "--out", "g", "--format", "gif"],
    ["properties", "--names", "nope"],
    ["properties", "--format", "xml", "--names", "relu"],
])
def test_cli_user_errors_exit_2(args, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert entry(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("actlab: error:") and err.count("\n") == 1
    assert not any(tmp_path.iterdir())


def test_cli_properties_formats(tmp_path, capsys):
    assert entry(["properties", "--names", "relu,sigmoid", "--format", "json", "--no-timing"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["name"] for d in data] == ["relu", "sigmoid"] and data[1]["max_abs_fprime"] == 0.25
    assert entry(["properties", "--names", "relu", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("name,") and lines[1].startswith("relu,") and len(lines) == 2
    assert entry(["properties", "-n", "tanh", "-n", "softmax", "--format", "markdown", "--no-timing"]) == 0
    assert "| softmax* |" in capsys.readouterr().out
    assert entry(["properties", "--names", "relu", "--no-timing"]) == 0
    assert "relu" in capsys.readouterr().out
    target = tmp_path / "p.md"
    assert entry(["properties", "--names", "relu", "--format", "markdown", "--out", str(target)]) == 0
    assert target.read_text().startswith("| activation |")
