package program_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/program"
)

// The limits of the command are options of the package too.
func TestLimitsFromGo(t *testing.T) {
	seed := "u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n"
	tests := []struct {
		name string
		f    func() error
		want string
	}{
		{"Read, MaxBytes", func() error {
			_, err := program.Read("s.bp", strings.NewReader(seed), program.Options{Limits: program.Limits{MaxBytes: 10}})
			return err
		}, "s.bp: over the limit of 10 bytes of program text (see --max-input)"},
		{"Parse, MaxBytes", func() error {
			_, err := program.Parse("s.bp", []byte(seed), program.Options{Limits: program.Limits{MaxBytes: 10}})
			return err
		}, "s.bp: 50 bytes of program text, over the limit of 10 (see --max-input)"},
		{"Read, MaxNodes", func() error {
			_, err := program.Read("s.bp", strings.NewReader(seed), program.Options{Limits: program.Limits{MaxNodes: 3}})
			return err
		}, "s.bp:4:1: over the limit of 3 nodes (see --max-nodes)"},
		{"Build, MaxNodes", func() error {
			_, err := program.Build(program.Syntax.MustParse("s.bp", seed), program.Options{Limits: program.Limits{MaxNodes: 4}})
			return err
		}, "4:1: over the limit of 4 nodes (see --max-nodes)"},
		{"Hessian, MaxHessian", func() error {
			g, err := program.Parse("s.bp", []byte(seed), program.Options{Limits: program.Limits{MaxHessian: 3}})
			if err != nil {
				return err
			}
			_, err = g.Hessian()
			return err
		}, "s.bp: 4 Hessian entries (2 --wrt nodes squared), over the limit of 3 (see --max-hessian)"},
		{"Hessian, node visits", func() error {
			g, err := program.Parse("s.bp", []byte(seed), program.Options{Limits: program.Limits{MaxNodes: 6}})
			if err != nil {
				return err
			}
			return g.CheckSecondOrder() // 2 passes over about 18 nodes: 36 visits, within 600
		}, ""},
		{"Read, binary", func() error {
			_, err := program.Read("s.bp", strings.NewReader("u1 = 4\n\x00\x00"), program.Options{})
			return err
		}, "s.bp:2:1: binary data (NUL byte) in program"},
	}
	for _, tt := range tests {
		err := tt.f()
		got := ""
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, tt.want) || (tt.want == "") != (err == nil) {
			t.Errorf("%s: error %q; want %q", tt.name, got, tt.want)
		}
		var le *program.LimitError
		if strings.Contains(tt.want, "limit") && !errors.As(err, &le) {
			t.Errorf("%s: %T is not a *program.LimitError", tt.name, err)
		}
	}
	// Negative means no limit; zero the default.
	if _, err := program.Parse("s.bp", []byte(seed), program.Options{Limits: program.Limits{MaxBytes: -1, MaxNodes: -1, MaxHessian: -1}}); err != nil {
		t.Errorf("no limits: %v", err)
	}
	g, err := program.Read("s.bp", strings.NewReader(seed), program.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if h, err := g.Hessian(); err != nil || len(h) != 2 {
		t.Errorf("default limits: Hessian %v, %v", h, err)
	}
}
