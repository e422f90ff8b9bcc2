package paging_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/paging"
)

type key struct {
	Time string `json:"t"`
	ID   string `json:"i"`
}

func TestSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      int32
		want    int
		wantErr bool
	}{
		{0, paging.DefaultSize, false},
		{1, 1, false},
		{500, 500, false},
		{501, paging.MaxSize, false},
		{-1, 0, true},
	}
	for _, tt := range tests {
		got, err := paging.Size(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("Size(%d) = %d, %v; want %d, err=%v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err != nil && apperr.KindOf(err) != apperr.KindInvalidArgument {
			t.Errorf("Size(%d) kind = %v", tt.in, apperr.KindOf(err))
		}
	}
}

func TestTokenRoundTripAndMisuse(t *testing.T) {
	t.Parallel()
	tok, err := paging.Encode("candidates|centre=C1", key{"2026-01-01T00:00:00Z", "abc"})
	if err != nil {
		t.Fatal(err)
	}
	var got key
	ok, err := paging.Decode("candidates|centre=C1", tok, &got)
	if err != nil || !ok || got.ID != "abc" {
		t.Fatalf("Decode = %v, %v, %+v", ok, err, got)
	}
	for name, tc := range map[string]struct{ query, token string }{
		"other listing": {"candidates|centre=C2", tok},
		"garbage":       {"candidates|centre=C1", "!!!"},
		"truncated":     {"candidates|centre=C1", tok[:len(tok)-4]},
	} {
		if _, err := paging.Decode(tc.query, tc.token, &got); !errors.Is(err, paging.ErrInvalidPageToken) {
			t.Errorf("%s: Decode err = %v; want ErrInvalidPageToken", name, err)
		}
	}
	if ok, err := paging.Decode("x", "", &got); ok || err != nil {
		t.Fatalf("empty token: %v, %v", ok, err)
	}
}

// TestStartAndNext: a listing read page by page with Start and Next returns
// every row once, in order, ends with an empty token, and refuses a bad
// page size or a token of another listing.
func TestStartAndNext(t *testing.T) {
	t.Parallel()
	rows := []string{"a", "b", "c", "d", "e"}
	const listing = "letters"
	var got []string
	token := ""
	for range len(rows) + 1 {
		var after string
		size, resumed, err := paging.Start(2, listing, token, &after)
		if err != nil {
			t.Fatal(err)
		}
		if resumed != (token != "") {
			t.Fatalf("Start(%q) resumed = %v", token, resumed)
		}
		// The store: size+1 rows after the key.
		i := 0
		for resumed && i < len(rows) && rows[i] <= after {
			i++
		}
		fetched := rows[i:min(len(rows), i+size+1)]
		page, next, err := paging.Next(listing, fetched, size, func(r string) string { return r })
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page...)
		if token = next; token == "" {
			break
		}
	}
	if strings.Join(got, "") != "abcde" || token != "" {
		t.Fatalf("pages gave %v, last token %q; want every row once and an empty token", got, token)
	}
	if _, _, err := paging.Start(-1, listing, "", new(string)); apperr.KindOf(err) != apperr.KindInvalidArgument {
		t.Fatalf("Start(-1) = %v; want invalid argument", err)
	}
	other, _ := paging.Encode("digits", "1")
	if _, _, err := paging.Start(2, listing, other, new(string)); !errors.Is(err, paging.ErrInvalidPageToken) {
		t.Fatalf("Start(token of another listing) = %v; want ErrInvalidPageToken", err)
	}
}
