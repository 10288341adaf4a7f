package wpaevent

// WPS device password ids: the dev_passwd_id= of P2P-GO-NEG-REQUEST and
// the DPID of WPS-ENROLLEE-SEEN (Wi-Fi Simple Configuration, "Device
// Password ID"; src/wps/wps_defs.h enum wps_dev_password_id).
const (
	DevPasswdDefault            = 0 // the PIN shown by the other side (P2P: the enrollee types the registrar's PIN)
	DevPasswdUserSpecified      = 1 // a PIN the user entered
	DevPasswdMachineSpecified   = 2
	DevPasswdRekey              = 3
	DevPasswdPushButton         = 4 // push button (PBC)
	DevPasswdRegistrarSpecified = 5 // a PIN the registrar's user types: the peer displays it
	DevPasswdNFCHandover        = 7
	DevPasswdP2PSDefault        = 8
)

// WPS configuration error codes: the config_error= of WPS-FAIL
// (src/wps/wps_defs.h enum wps_config_error).
const (
	ConfigErrorNone             = 0
	ConfigErrorMultiplePBC      = 12 // push-button overlap: more than one enrollee pressed
	ConfigErrorPasswordAuthFail = 18 // wrong PIN
)

// WPS config methods: the bits of config_methods=0x… in P2P-DEVICE-FOUND,
// P2P-PROV-DISC-* and WPS-ENROLLEE-SEEN (src/wps/wps_defs.h WPS_CONFIG_*).
const (
	ConfigMethodUSBA              = 0x0001
	ConfigMethodEthernet          = 0x0002
	ConfigMethodLabel             = 0x0004
	ConfigMethodDisplay           = 0x0008
	ConfigMethodExtNFCToken       = 0x0010
	ConfigMethodIntNFCToken       = 0x0020
	ConfigMethodNFCInterface      = 0x0040
	ConfigMethodPushButton        = 0x0080
	ConfigMethodKeypad            = 0x0100
	ConfigMethodVirtualPushButton = 0x0280
	ConfigMethodPhysPushButton    = 0x0480
	ConfigMethodP2PS              = 0x1000
	ConfigMethodVirtualDisplay    = 0x2008
	ConfigMethodPhysDisplay       = 0x4008
)
