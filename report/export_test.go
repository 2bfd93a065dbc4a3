package report

// The HTML page's layout, for the tests of its geometry.
type (
	Page          = htmlPage
	DirectionView = htmlDirection
)

var (
	BuildPage = buildPage
	Render    = render
)
