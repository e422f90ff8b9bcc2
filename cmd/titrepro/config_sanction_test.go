package main

import (
	"strings"
	"testing"
)

// TestConfigSanctionMaxBanMonths (R58): the all-in-one passes
// TITREPRO_SANCTION_MAX_BAN_MONTHS to the candidate service, one year by
// default, and names the variable when it is not a number of months.
func TestConfigSanctionMaxBanMonths(t *testing.T) {
	cfg, err := loadEnv(nil)
	if err != nil || cfg.MaxBanMonths != 12 {
		t.Fatalf("default = %d, %v; want 12", cfg.MaxBanMonths, err)
	}
	if cfg, err = loadEnv(map[string]string{"TITREPRO_SANCTION_MAX_BAN_MONTHS": "6"}); err != nil || cfg.MaxBanMonths != 6 {
		t.Fatalf("6 months = %d, %v", cfg.MaxBanMonths, err)
	}
	if _, err = loadEnv(map[string]string{"TITREPRO_SANCTION_MAX_BAN_MONTHS": "un an"}); err == nil ||
		!strings.Contains(err.Error(), "TITREPRO_SANCTION_MAX_BAN_MONTHS") {
		t.Fatalf("a value that is not a number = %v; want an error naming TITREPRO_SANCTION_MAX_BAN_MONTHS", err)
	}
}
