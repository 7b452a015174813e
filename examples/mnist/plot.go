package main

import (
	"image/color"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// writePlot writes the training loss (every 50 steps and per epoch) above
// the test accuracy per epoch, as one PNG.
func writePlot(path string, h *history) error {
	loss := plot.New()
	loss.Title.Text = "training loss"
	loss.X.Label.Text = "step"
	loss.Y.Label.Text = "cross-entropy"
	if len(h.steps) > 0 {
		l, err := plotter.NewLine(xys(h.steps, h.loss))
		if err != nil {
			return err
		}
		l.Color = color.RGBA{B: 200, A: 255}
		loss.Add(l, plotter.NewGrid())
		loss.Legend.Add("mean of 50 steps", l)
		loss.Legend.Top = true
	}

	acc := plot.New()
	acc.Title.Text = "test accuracy"
	acc.X.Label.Text = "epoch"
	acc.Y.Label.Text = "accuracy"
	lp, pts, err := plotter.NewLinePoints(xys(h.epochs, h.testAcc))
	if err != nil {
		return err
	}
	lp.Color, pts.Color = color.RGBA{R: 200, A: 255}, color.RGBA{R: 200, A: 255}
	acc.Add(lp, pts, plotter.NewGrid())

	const w, ht = 16 * vg.Centimeter, 18 * vg.Centimeter
	img := vgimg.New(w, ht)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadY: vg.Centimeter / 2, PadTop: vg.Centimeter / 4, PadBottom: vg.Centimeter / 4, PadLeft: vg.Centimeter / 4, PadRight: vg.Centimeter / 4}
	canvases := plot.Align([][]*plot.Plot{{loss}, {acc}}, tiles, dc)
	loss.Draw(canvases[0][0])
	acc.Draw(canvases[1][0])
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func xys(x, y []float64) plotter.XYs {
	out := make(plotter.XYs, len(x))
	for i := range x {
		out[i].X, out[i].Y = x[i], y[i]
	}
	return out
}
