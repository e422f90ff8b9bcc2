package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// restClient calls the gateway the way any REST client would: JSON bodies
// with the API's field names, a bearer token, and google.rpc.Status errors.
// It prints every call it makes when log is set, so that `titrepro demo`
// shows the REST API step by step.
type restClient struct {
	base string
	http *http.Client
	log  io.Writer
}

func newRESTClient(base string, log io.Writer) *restClient {
	return &restClient{base: strings.TrimRight(base, "/"), http: &http.Client{Timeout: 30 * time.Second}, log: log}
}

// apiError is an error answer of the API.
type apiError struct {
	HTTPStatus int
	Status     *spb.Status
	Reason     string
	Rule       string
}

func (e *apiError) Error() string {
	msg := fmt.Sprintf("HTTP %d: %s", e.HTTPStatus, e.Status.GetMessage())
	if e.Reason != "" {
		msg += " (" + e.Reason
		if e.Rule != "" {
			msg += ", rule " + e.Rule
		}
		msg += ")"
	}
	return msg
}

// reasonOf returns the ErrorInfo reason of an API error, or "".
func reasonOf(err error) string {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Reason
	}
	return ""
}

var (
	marshal   = protojson.MarshalOptions{UseProtoNames: true}
	unmarshal = protojson.UnmarshalOptions{DiscardUnknown: true}
)

// call sends one request. body is a proto message (or nil); out receives
// the JSON answer (or is nil). who names the caller in the printed trace.
func (c *restClient) call(ctx context.Context, who, token, method, path string, body, out proto.Message) error {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = marshal.Marshal(body); err != nil {
			return err
		}
	}
	return c.send(ctx, who, token, method, path, "application/json", bytes.NewReader(raw), out)
}

func (c *restClient) send(ctx context.Context, who, token, method, path, contentType string, body io.Reader, out proto.Message) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return err
	}
	if c.log != nil {
		fmt.Fprintf(c.log, "    %-6s %s  (as %s) → %d\n", method, path, who, resp.StatusCode)
	}
	if resp.StatusCode/100 != 2 {
		return decodeAPIError(resp.StatusCode, answer)
	}
	if out == nil || len(answer) == 0 {
		return nil
	}
	return unmarshal.Unmarshal(answer, out)
}

func decodeAPIError(code int, body []byte) error {
	st := &spb.Status{}
	if err := unmarshal.Unmarshal(body, st); err != nil {
		return &apiError{HTTPStatus: code, Status: &spb.Status{Message: strings.TrimSpace(string(body))}}
	}
	ae := &apiError{HTTPStatus: code, Status: st}
	for _, d := range st.GetDetails() {
		msg, err := d.UnmarshalNew()
		if err != nil {
			continue
		}
		switch m := msg.(type) {
		case *errdetails.ErrorInfo:
			ae.Reason = m.GetReason()
			if r := m.GetMetadata()["rule"]; r != "" {
				ae.Rule = r
			}
		case *errdetails.PreconditionFailure:
			for _, v := range m.GetViolations() {
				if v.GetType() == "RULE" {
					ae.Rule = v.GetSubject()
				}
			}
		}
	}
	return ae
}

// eventualTimeout bounds how long retryWhile and waitFor wait for an event
// to reach the service that needs it: a few milliseconds normally; the
// cluster fault suite raises it to cover a broker outage and the relays'
// backoff after it.
var eventualTimeout = 20 * time.Second

// retryWhile repeats call while it fails with one of the given reasons: the
// services learn about each other through events, a few milliseconds after
// the write that caused them.
func retryWhile(ctx context.Context, reasons []string, call func() error) error {
	deadline := time.Now().Add(eventualTimeout)
	for {
		err := call()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		retry := false
		for _, r := range reasons {
			if reasonOf(err) == r {
				retry = true
			}
		}
		if !retry {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// waitFor polls cond until it holds.
func waitFor(ctx context.Context, what string, cond func() (bool, error)) error {
	deadline := time.Now().Add(eventualTimeout)
	for {
		ok, err := cond()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out waiting for %s", what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
