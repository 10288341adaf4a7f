package wpaevent

// Kind identifies the type of an unsolicited wpa_supplicant message.
type Kind uint8

// The kinds of event the daemon understands. Anything else parses as Unknown
// with the raw text kept in Event.Raw.
const (
	Unknown               Kind = iota
	DeviceFound                // P2P-DEVICE-FOUND
	DeviceLost                 // P2P-DEVICE-LOST
	GONegRequest               // P2P-GO-NEG-REQUEST
	GONegSuccess               // P2P-GO-NEG-SUCCESS
	GONegFailure               // P2P-GO-NEG-FAILURE
	GroupFormationSuccess      // P2P-GROUP-FORMATION-SUCCESS
	GroupFormationFailure      // P2P-GROUP-FORMATION-FAILURE
	GroupStarted               // P2P-GROUP-STARTED
	GroupRemoved               // P2P-GROUP-REMOVED
	ProvDiscPBCReq             // P2P-PROV-DISC-PBC-REQ
	ProvDiscPBCResp            // P2P-PROV-DISC-PBC-RESP
	ProvDiscShowPIN            // P2P-PROV-DISC-SHOW-PIN
	ProvDiscEnterPIN           // P2P-PROV-DISC-ENTER-PIN
	ProvDiscFailure            // P2P-PROV-DISC-FAILURE
	InvitationReceived         // P2P-INVITATION-RECEIVED
	InvitationAccepted         // P2P-INVITATION-ACCEPTED
	InvitationResult           // P2P-INVITATION-RESULT
	FindStopped                // P2P-FIND-STOPPED
	WPSPBCActive               // WPS-PBC-ACTIVE
	WPSPBCDisable              // WPS-PBC-DISABLE
	WPSRegSuccess              // WPS-REG-SUCCESS
	WPSSuccess                 // WPS-SUCCESS
	WPSFail                    // WPS-FAIL
	WPSTimeout                 // WPS-TIMEOUT
	WPSOverlapDetected         // WPS-OVERLAP-DETECTED
	WPSEnrolleeSeen            // WPS-ENROLLEE-SEEN
	WPSPINNeeded               // WPS-PIN-NEEDED
	APStaConnected             // AP-STA-CONNECTED
	APStaDisconnected          // AP-STA-DISCONNECTED
	APEnabled                  // AP-ENABLED
	APDisabled                 // AP-DISABLED
	FourWayHSCompleted         // EAPOL-4WAY-HS-COMPLETED
	Terminating                // CTRL-EVENT-TERMINATING
	Disconnected               // CTRL-EVENT-DISCONNECTED
	Connected                  // CTRL-EVENT-CONNECTED

	// APStaPossiblePSKMismatch (AP-STA-POSSIBLE-PSK-MISMATCH) reports a
	// station whose 4-way handshake failed in a way that suggests a wrong
	// passphrase, e.g. a phone holding a stale persistent-group credential.
	APStaPossiblePSKMismatch

	// EAPStarted (CTRL-EVENT-EAP-STARTED) on an AP or GO names the station
	// whose EAP exchange (WPS's M1..M8 on a GO) has begun; a station's own
	// copy ("EAP authentication started") has no address.
	EAPStarted
	numKinds
)

// Event is one parsed unsolicited message. It is a flat value: only the
// fields that the event's format carries are set, the others keep their zero
// value (and the int fields documented so are -1 when absent). Peer-supplied
// strings (Name, SSID, UUID text) are kept byte for byte as data; they are
// never trusted. Parse returns it; String and Datagram print it back.
type Event struct {
	Kind  Kind
	Level int    // the <N> level prefix (3 = MSG_INFO); -1 if absent
	Iface string // interface from an "IFNAME=<if> " prefix (global socket), else ""
	Raw   string // the event text without the IFNAME= and <N> prefixes (trailing spaces kept)

	// Addr is the first MAC address of the event: the frame source of
	// DEVICE-FOUND (may be an interface address), the peer of GO-NEG-REQUEST
	// and PROV-DISC-*, the station interface address of AP-STA-*, the
	// enrollee of WPS-ENROLLEE-SEEN / WPS-REG-SUCCESS, sa= of INVITATION-*,
	// the peer of INVITATION-RESULT, bssid= of CTRL-EVENT-DISCONNECTED,
	// the station of EAPOL-4WAY-HS-COMPLETED, AP-STA-POSSIBLE-PSK-MISMATCH
	// and WPS-PIN-NEEDED, the BSSID of CTRL-EVENT-CONNECTED.
	Addr MAC
	// PeerDev is the peer's P2P device address (p2p_dev_addr=, peer_dev=).
	PeerDev MAC
	// PeerIface is peer_iface= of GO-NEG-SUCCESS.
	PeerIface MAC
	// GODevAddr is go_dev_addr= (GROUP-STARTED, INVITATION-*).
	GODevAddr MAC

	Name          string // name='…' (DEVICE-FOUND, PROV-DISC-*), [name] of WPS-ENROLLEE-SEEN, first […|] field of WPS-PIN-NEEDED
	PriDevType    string // pri_dev_type=, the device type of WPS-ENROLLEE-SEEN / WPS-PIN-NEEDED
	ConfigMethods uint16 // config_methods=0x…, or the config methods of WPS-ENROLLEE-SEEN
	DevCapab      uint8  // dev_capab=0x… (DEVICE-FOUND, PROV-DISC-*)
	GroupCapab    uint8  // group_capab=0x…; bit 0x01 means the peer is a GO
	New           bool   // new=1 of DEVICE-FOUND

	DevPasswdID int // dev_passwd_id= of GO-NEG-REQUEST, DPID of WPS-ENROLLEE-SEEN; -1 if absent
	GOIntent    int // go_intent=; -1 if absent
	RequestType int // WPS request type of WPS-ENROLLEE-SEEN (0 enrollee info, 1 enrollee 802.1X, …)

	Group      string // group interface: GROUP-STARTED/REMOVED first field, group= of PROV-DISC-*
	Role       string // "GO" or "client" (GROUP-STARTED, GROUP-REMOVED, GO-NEG-SUCCESS)
	SSID       string // decoded SSID bytes (GROUP-STARTED; INVITATION-* of later releases)
	Freq       int    // freq= in MHz
	Passphrase string // passphrase="…"
	PSK        string // psk=<hex>
	Persistent bool   // [PERSISTENT] flag of GROUP-STARTED, or persistent= present
	// PersistentID is persistent=<id> of INVITATION-*; -1 if absent.
	PersistentID int
	WPSMethod    string // wps_method= of GO-NEG-SUCCESS
	HT40         bool   // ht40=1 of GO-NEG-SUCCESS

	PIN    string // the PIN of PROV-DISC-SHOW-PIN
	Status int    // status= (GO-NEG-FAILURE, PROV-DISC-FAILURE, INVITATION-RESULT); -1 if absent/N/A
	Reason string // reason= (GROUP-REMOVED text, GROUP-FORMATION-FAILURE), or CTRL-EVENT-DISCONNECTED / WPS-FAIL numeric text
	// LocallyGenerated is locally_generated=1 of CTRL-EVENT-DISCONNECTED.
	LocallyGenerated bool

	Msg         int // msg= of WPS-FAIL; -1 if absent
	ConfigError int // config_error= of WPS-FAIL; -1 if absent

	UUID   string // UUID-E of WPS-ENROLLEE-SEEN, WPS-REG-SUCCESS, WPS-PIN-NEEDED
	IPAddr string // ip_addr= of AP-STA-CONNECTED / GROUP-STARTED
}
