// Package data reads datasets and cuts them into batches: an IDX reader
// (the format of MNIST and Fashion-MNIST), [LoadMNIST], and a [Loader]
// that batches a [Dataset] in order or shuffled with a seed, with the last
// partial batch, and a position that a checkpoint saves and restores.
//
// Files are read through an fs.FS, so the package opens nothing by
// itself: pass os.DirFS of a folder, or an embedded one.
package data
