package pidfile

import (
	"bufio"
	"slices"
	"strings"
	"testing"
)

func TestParseLocks(t *testing.T) {
	t.Parallel()
	const text = `1: POSIX  ADVISORY  WRITE 700 fe:00:42 0 EOF
2: FLOCK  ADVISORY  WRITE 1234 fe:00:5678 0 EOF
2: -> FLOCK  ADVISORY  WRITE 999 fe:00:5678 0 EOF
3: FLOCK  ADVISORY  WRITE 4321 fe:01:5678 0 EOF
4: OFDLCK ADVISORY  READ  -1 fe:00:5678 0 EOF
5: FLOCK  ADVISORY  WRITE 55 103:02:5678 0 EOF
`
	got, err := parseLocks(bufio.NewScanner(strings.NewReader(text)), 0xfe, 0, 5678)
	if err != nil || !slices.Equal(got, []int{1234}) {
		t.Errorf("parseLocks = %v, %v; want [1234] (the waiter, other devices and other lock kinds are not holders)", got, err)
	}
	got, _ = parseLocks(bufio.NewScanner(strings.NewReader(text)), 0x103, 2, 5678)
	if !slices.Equal(got, []int{55}) {
		t.Errorf("three-digit major: %v", got)
	}
}
