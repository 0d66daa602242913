package health

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// Probe is the container healthcheck (`arca healthcheck URL`, for images
// without a shell or curl): an HTTP GET of url that answers 2xx. A url
// that is not one is ErrBadURL.
func Probe(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadURL, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close() // read side: a close error loses nothing
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("healthcheck %s: %s", url, resp.Status)
	}
	return nil
}

// ErrBadURL is a probe of something that is not a URL.
var ErrBadURL = errors.New("healthcheck: not a URL")
