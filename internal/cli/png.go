package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"github.com/fogleman/gg"
	"github.com/golang/freetype/truetype"
	"github.com/seed812a03d2/backprop/internal/graphviz"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
)

// renderPNG lays DOT source out with Graphviz and paints the drawing
// operations it returns (xdot, in Graphviz's JSON output) into a PNG.
// Graphviz's own PNG renderer in WebAssembly draws no lines, so the
// painting is done here, with gg and the Go font.
func renderPNG(src string) ([]byte, error) {
	data, err := graphviz.Render([]byte(src), "json")
	if err != nil {
		return nil, fmt.Errorf("backprop dot: %v", err)
	}
	var layout struct {
		BB      string     `json:"bb"`
		Draw    []xdrawOp  `json:"_draw_"`
		Objects []xdrawObj `json:"objects"`
		Edges   []xdrawObj `json:"edges"`
	}
	if err := json.Unmarshal(data, &layout); err != nil {
		return nil, fmt.Errorf("backprop dot: reading the layout: %v", err)
	}
	bb := strings.Split(layout.BB, ",")
	if len(bb) != 4 {
		return nil, fmt.Errorf("backprop dot: reading the layout: bounding box %q", layout.BB)
	}
	w, _ := strconv.ParseFloat(bb[2], 64)
	h, _ := strconv.ParseFloat(bb[3], 64)
	p := &painter{scale: 2, margin: 8, height: h}
	// Two pixels a point, or one where that is too big; a long chain is
	// about 540 pixels wide a statement at two.
	pixels := func() float64 { return (w + 2*p.margin) * (h + 2*p.margin) * p.scale * p.scale }
	if pixels() > maxPNGPixels {
		p.scale = 1
	}
	if pixels() > maxPNGPixels {
		return nil, fmt.Errorf("backprop dot: the drawing is %.0f×%.0f pixels; PNG output stops at %d million; write a .svg file",
			math.Ceil(w+2*p.margin), math.Ceil(h+2*p.margin), maxPNGPixels/1_000_000)
	}
	p.dc = gg.NewContext(int(math.Ceil((w+2*p.margin)*p.scale)), int(math.Ceil((h+2*p.margin)*p.scale)))
	p.dc.SetColor(color.White)
	p.dc.Clear()
	p.font, err = truetype.Parse(goregular.TTF)
	if err != nil {
		return nil, err
	}
	p.ops(layout.Draw)
	for _, o := range append(layout.Objects, layout.Edges...) {
		for _, ops := range [][]xdrawOp{o.Draw, o.LDraw, o.HDraw, o.TDraw, o.HLDraw, o.TLDraw} {
			p.ops(ops)
		}
	}
	var out bytes.Buffer
	if err := p.dc.EncodePNG(&out); err != nil {
		return nil, fmt.Errorf("backprop dot: encoding PNG: %v", err)
	}
	return out.Bytes(), nil
}

// xdrawObj is a node or an edge of Graphviz's JSON output, with its drawing
// operations.
type xdrawObj struct {
	Draw   []xdrawOp `json:"_draw_"`
	LDraw  []xdrawOp `json:"_ldraw_"`
	HDraw  []xdrawOp `json:"_hdraw_"`
	TDraw  []xdrawOp `json:"_tdraw_"`
	HLDraw []xdrawOp `json:"_hldraw_"`
	TLDraw []xdrawOp `json:"_tldraw_"`
}

// xdrawOp is one xdot drawing operation.
type xdrawOp struct {
	Op     string       `json:"op"`
	Color  string       `json:"color"`
	Points [][2]float64 `json:"points"`
	Rect   []float64    `json:"rect"`
	Pt     []float64    `json:"pt"`
	Align  string       `json:"align"`
	Text   string       `json:"text"`
	Size   float64      `json:"size"`
}

type painter struct {
	dc            *gg.Context
	font          *truetype.Font
	scale, margin float64
	height        float64
	pen, fill     color.Color
	fontSize      float64
	faceSize      float64
	face          font.Face
}

// xy maps Graphviz's coordinates (points, y up) to the image's (pixels,
// y down).
func (p *painter) xy(x, y float64) (float64, float64) {
	return (x + p.margin) * p.scale, (p.height - y + p.margin) * p.scale
}

func (p *painter) ops(ops []xdrawOp) {
	if p.pen == nil {
		p.pen, p.fill, p.fontSize = color.Black, color.Black, 14
	}
	dc := p.dc
	for _, op := range ops {
		switch op.Op {
		case "c":
			p.pen = parseColor(op.Color)
		case "C":
			p.fill = parseColor(op.Color)
		case "F":
			p.fontSize = op.Size
		case "P", "p", "L", "b", "B":
			if len(op.Points) == 0 {
				continue
			}
			x, y := p.xy(op.Points[0][0], op.Points[0][1])
			dc.NewSubPath()
			dc.MoveTo(x, y)
			if op.Op == "b" || op.Op == "B" {
				for i := 1; i+2 < len(op.Points); i += 3 {
					x1, y1 := p.xy(op.Points[i][0], op.Points[i][1])
					x2, y2 := p.xy(op.Points[i+1][0], op.Points[i+1][1])
					x3, y3 := p.xy(op.Points[i+2][0], op.Points[i+2][1])
					dc.CubicTo(x1, y1, x2, y2, x3, y3)
				}
			} else {
				for _, pt := range op.Points[1:] {
					dc.LineTo(p.xy(pt[0], pt[1]))
				}
			}
			if op.Op == "P" || op.Op == "p" {
				dc.ClosePath()
			}
			// Graphviz writes edge curves with b (filled) too; only a
			// closed curve can be filled.
			closed := op.Points[0] == op.Points[len(op.Points)-1]
			p.finish(op.Op == "P" || op.Op == "b" && closed)
		case "E", "e":
			if len(op.Rect) == 4 {
				x, y := p.xy(op.Rect[0], op.Rect[1])
				dc.DrawEllipse(x, y, op.Rect[2]*p.scale, op.Rect[3]*p.scale)
				p.finish(op.Op == "E")
			}
		case "T":
			if len(op.Pt) < 2 {
				continue
			}
			if p.face == nil || p.faceSize != p.fontSize {
				p.face = truetype.NewFace(p.font, &truetype.Options{Size: p.fontSize * p.scale * 0.85, DPI: 72})
				p.faceSize = p.fontSize
				dc.SetFontFace(p.face)
			}
			x, y := p.xy(op.Pt[0], op.Pt[1])
			ax := map[string]float64{"l": 0, "c": 0.5, "r": 1}[op.Align]
			dc.SetColor(p.pen)
			dc.DrawStringAnchored(op.Text, x, y, ax, 0)
		}
	}
}

// finish fills (with the fill colour, then outlines) or strokes the path.
func (p *painter) finish(filled bool) {
	dc := p.dc
	dc.SetLineWidth(p.scale)
	if filled {
		dc.SetColor(p.fill)
		dc.FillPreserve()
	}
	dc.SetColor(p.pen)
	dc.Stroke()
}

// parseColor reads #rrggbb or #rrggbbaa; anything else is black.
func parseColor(s string) color.Color {
	if len(s) != 7 && len(s) != 9 || s[0] != '#' {
		return color.Black
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return color.Black
	}
	if len(s) == 7 {
		return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}
	}
	return color.NRGBA{uint8(v >> 24), uint8(v >> 16), uint8(v >> 8), uint8(v)}
}
