package dhcpd

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"time"
)

// leaseFileVersion is the format version written to the lease file.
const leaseFileVersion = 1

// leaseFile is the lease file's JSON document.
type leaseFile struct {
	Version  int          `json:"version"`
	Bindings []fileRecord `json:"bindings"`
}

// fileRecord is one binding in the lease file.
type fileRecord struct {
	MAC      string     `json:"mac"`
	ClientID string     `json:"client_id,omitempty"` // hex
	IP       netip.Addr `json:"ip"`
	Hostname string     `json:"hostname,omitempty"`
	State    string     `json:"state"` // offered, bound, released
	Expiry   time.Time  `json:"expiry"`
	Source   string     `json:"source,omitempty"` // "eapol": from the 4-way handshake (Server.Bind)
}

// load fills the pool from the lease file and reports whether there was
// one to read. Problems are logged, never fatal: a missing file is an empty
// pool, a corrupt one is ignored, and records that no longer fit the
// configuration are dropped.
func (s *Server) load() bool {
	data, err := os.ReadFile(s.cfg.LeaseFile)
	if errors.Is(err, fs.ErrNotExist) {
		return false
	}
	if err != nil {
		s.log.Warn("cannot read lease file; starting with no leases", "path", s.cfg.LeaseFile, "err", err)
		return false
	}
	var f leaseFile
	if err := json.Unmarshal(data, &f); err != nil {
		s.log.Warn("corrupt lease file; starting with no leases", "path", s.cfg.LeaseFile, "err", err)
		return false
	}
	if f.Version != leaseFileVersion {
		s.log.Warn("unknown lease file version; starting with no leases", "path", s.cfg.LeaseFile,
			"version", f.Version)
		return false
	}
	for _, r := range f.Bindings {
		if err := s.loadRecord(r); err != nil {
			s.log.Warn("dropping lease file record", "path", s.cfg.LeaseFile, "mac", r.MAC, "ip", r.IP,
				"err", err)
		}
	}
	s.log.Debug("loaded lease file", "path", s.cfg.LeaseFile, "bindings", len(s.pool.byIP))
	return true
}

// tempPattern matches the temporary files writeFileAtomic makes for path.
func tempPattern(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
}

// removeStaleTemps deletes the temporary files a write interrupted by a
// crash (kill -9, power loss) left next to path. Only one server writes a
// lease file, and New runs before Run, so none of them is in use.
func removeStaleTemps(path string, log *slog.Logger) {
	stale, _ := filepath.Glob(tempPattern(path))
	for _, f := range stale {
		if err := os.Remove(f); err != nil {
			log.Warn("cannot remove stale temporary lease file", "path", f, "err", err)
			continue
		}
		log.Info("removed a temporary lease file left by an interrupted write", "path", f)
	}
}

func (s *Server) loadRecord(r fileRecord) error {
	mac, err := net.ParseMAC(r.MAC)
	if err != nil || len(mac) != 6 {
		return fmt.Errorf("bad mac %q", r.MAC)
	}
	id, err := hex.DecodeString(r.ClientID)
	if err != nil {
		return fmt.Errorf("bad client_id: %w", err)
	}
	st, ok := parseBindState(r.State)
	if !ok {
		return fmt.Errorf("bad state %q", r.State)
	}
	if !s.pool.inRange(r.IP) {
		return errors.New("address outside the pool")
	}
	c := client{mac: mac, hostname: cleanHostname(r.Hostname)}
	if len(id) > 0 {
		c.clientID = id
	}
	c.key = clientKey(c.mac, c.clientID)
	if s.pool.byIP[r.IP] != nil || s.pool.byKey[c.key] != nil {
		return errors.New("duplicate address or client")
	}
	b, _ := s.pool.assign(c, r.IP, st, r.Expiry)
	b.eapol = r.Source == "eapol"
	return nil
}

// persist writes the bindings to the lease file, if there is one. A failed
// write is logged; the in-memory state stays authoritative.
func (s *Server) persist() {
	if s.cfg.LeaseFile == "" {
		return
	}
	s.fileMu.Lock()
	defer s.fileMu.Unlock()

	f := leaseFile{Version: leaseFileVersion, Bindings: []fileRecord{}}
	s.mu.Lock()
	for _, b := range s.pool.sorted() {
		f.Bindings = append(f.Bindings, fileRecord{
			MAC:      b.mac.String(),
			ClientID: hex.EncodeToString(b.clientID),
			IP:       b.ip,
			Hostname: b.hostname,
			State:    b.state.String(),
			Expiry:   b.expiry.UTC(),
			Source:   map[bool]string{true: "eapol"}[b.eapol],
		})
	}
	s.mu.Unlock()

	data, err := json.MarshalIndent(f, "", "\t")
	if err == nil {
		err = writeFileAtomic(s.cfg.LeaseFile, append(data, '\n'))
	}
	if err != nil {
		s.log.Warn("cannot write lease file", "path", s.cfg.LeaseFile, "err", err)
	}
}

// writeFileAtomic replaces path with data so that a crash leaves either the
// old or the new content: temp file in the same directory, fsync, rename,
// directory fsync.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
