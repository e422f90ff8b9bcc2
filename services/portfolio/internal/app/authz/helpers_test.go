package authz_test

import "time"

var testTime = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
