module github.com/seed812a03d2/backprop

go 1.26
