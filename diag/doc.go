// Package diag reports problems in input files at their place: a Position
// (file, 1-based line and column), an Error (position, data path, message)
// and a List that collects every problem in a load, sorts them and
// implements error.
//
// # Errors
//
// Loaders in this module return a List when input is invalid. Use errors.As
// to get at it, or at any one *Error in it:
//
//	var list diag.List
//	if errors.As(err, &list) {
//		for _, e := range list { fmt.Println(e.Pos.Line, e.Msg) }
//	}
package diag
