//go:build js && wasm

// Command engine is the engine of the browser page: this module's Go
// compiled to WebAssembly (GOOS=js GOARCH=wasm), run in a Web Worker. It
// sets one function, backpropEvaluate(requestJSON) → responseJSON, which
// is eval.Evaluate, and waits. go generate ./web builds it.
package main

import (
	"encoding/json"
	"syscall/js"

	"github.com/seed812a03d2/backprop/web/eval"
)

func main() {
	js.Global().Set("backpropEvaluate", js.FuncOf(func(_ js.Value, args []js.Value) any {
		var req eval.Request
		var resp eval.Response
		if len(args) != 1 || args[0].Type() != js.TypeString {
			resp.Error = &eval.Error{Message: "backpropEvaluate: want one string, the request's JSON"}
		} else if err := json.Unmarshal([]byte(args[0].String()), &req); err != nil {
			resp.Error = &eval.Error{Message: "backpropEvaluate: the request: " + err.Error()}
		} else {
			resp = eval.Evaluate(req, eval.Limits{})
		}
		return string(resp.AppendJSON(nil))
	}))
	select {}
}
