package server

import (
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/internal/headless"
)

func TestDashboard(t *testing.T) {
	h := start(t, copyTree(t, "examples/national"), nil, Config{Import: true})
	dfe := h.token(RoleDfE, "")
	code, body := h.do("GET", "/dashboard?as_of=2018-09-30", dfe, "", "")
	require.Equal(t, 200, code, string(body))
	page := string(body)
	// Worst first: Borsetshire (3 breaches), Casterbridge (2), Ambridge (0),
	// as `check --as-of 2018-09-30 examples/national` reports them.
	order := regexp.MustCompile(`data-council="([a-z]+)"`).FindAllStringSubmatch(page, -1)
	require.Len(t, order, 3)
	assert.Equal(t, []string{"borsetshire", "casterbridge", "ambridge"}, []string{order[0][1], order[1][1], order[2][1]})
	assert.Contains(t, page, `href="/v1/councils/borsetshire/report?as_of=2018-09-30"`)
	assert.Contains(t, page, "2 in breach")

	amb := h.token(RoleCouncil, "ambridge")
	_, body = h.do("GET", "/dashboard", amb, "", "")
	assert.NotContains(t, string(body), "borsetshire", "a council sees only itself")

	// A browser: no header, so the sign-in form; then the cookie.
	code, body = h.do("GET", "/dashboard", "", "", "")
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Contains(t, string(body), `<form method="post" action="/login">`)
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.PostForm(h.http.URL+"/login", url.Values{"token": {"dirs_wrong"}, "next": {"/dashboard"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp, err = browser.PostForm(h.http.URL+"/login", url.Values{"token": {dfe}, "next": {"//evil.example/"}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "/dashboard", resp.Request.URL.Path, "next must be a path here: no open redirect")
	resp, err = browser.Get(h.http.URL + "/v1/councils/ambridge/report")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode, "the cookie opens the pages")
	resp, err = browser.Get(h.http.URL + "/v1/summary")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "and never the API")
}

// TestDashboardInBrowser loads the dashboard from the running server in
// headless Chromium, with the server's Content-Security-Policy: the page
// must render with no console message (a CSP violation is one) and show
// its table.
func TestDashboardInBrowser(t *testing.T) {
	bin := headless.Browser(t, "the dashboard")
	h := start(t, copyTree(t, "examples/national"), nil, Config{Import: true})
	dfe := h.token(RoleDfE, "")
	// The browser sends no header; a loopback front adds the token, as a
	// signed-in cookie would.
	front := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("Authorization", "Bearer "+dfe)
		h.srv.ServeHTTP(w, r)
	})}
	ln, err := netListenLoopback()
	require.NoError(t, err)
	go front.Serve(ln)
	defer front.Close()

	dom, stderr := headless.Run(t, bin, "http://"+ln.Addr().String()+"/dashboard?as_of=2018-09-30", "--dump-dom")
	assert.Empty(t, headless.ConsoleLines(stderr), "the page logged something (a CSP violation?)")
	assert.Equal(t, 3, strings.Count(dom, `data-council="`), dom)
	assert.Contains(t, dom, "Directed councils: national summary")
}

func netListenLoopback() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }
