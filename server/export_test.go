package server

// Frontend message builders (frames_test.go) for the external tests.
var (
	FeMsg = feMsg
	Cstr  = cstr
	Be16  = be16
	Be32  = be32
	Cat   = cat
)
