package paging

// Start reads a List request's page_size and page_token for the listing
// named query: the page size to use (see Size) and, when the token is not
// empty, the sort key of the last item already returned, decoded into after
// and reported by resumed. The store is then asked for size+1 rows after
// that key, and Next cuts them to the page.
func Start(pageSize int32, query, token string, after any) (size int, resumed bool, err error) {
	size, err = Size(pageSize)
	if err != nil {
		return 0, false, err
	}
	resumed, err = Decode(query, token, after)
	if err != nil {
		return 0, false, err
	}
	return size, resumed, nil
}

// Next ends a page: rows were fetched with a limit of size+1, so one more
// row than size means there is a next page. It returns the page and the
// token for the page after it, encoding key of the page's last row; the
// token is empty on the last page.
func Next[T, K any](query string, rows []T, size int, key func(T) K) ([]T, string, error) {
	if len(rows) <= size {
		return rows, "", nil
	}
	page := rows[:size]
	token, err := Encode(query, key(page[size-1]))
	if err != nil {
		return nil, "", err
	}
	return page, token, nil
}
