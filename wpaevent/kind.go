package wpaevent

import "strconv"

// kindNames maps each Kind to the event name wpa_supplicant prints
// (the WPA_EVENT_*/P2P_EVENT_*/WPS_EVENT_*/AP_* constants of
// src/common/wpa_ctrl.h, without their trailing space).
var kindNames = [numKinds]string{
	Unknown:                  "UNKNOWN",
	DeviceFound:              "P2P-DEVICE-FOUND",
	DeviceLost:               "P2P-DEVICE-LOST",
	GONegRequest:             "P2P-GO-NEG-REQUEST",
	GONegSuccess:             "P2P-GO-NEG-SUCCESS",
	GONegFailure:             "P2P-GO-NEG-FAILURE",
	GroupFormationSuccess:    "P2P-GROUP-FORMATION-SUCCESS",
	GroupFormationFailure:    "P2P-GROUP-FORMATION-FAILURE",
	GroupStarted:             "P2P-GROUP-STARTED",
	GroupRemoved:             "P2P-GROUP-REMOVED",
	ProvDiscPBCReq:           "P2P-PROV-DISC-PBC-REQ",
	ProvDiscPBCResp:          "P2P-PROV-DISC-PBC-RESP",
	ProvDiscShowPIN:          "P2P-PROV-DISC-SHOW-PIN",
	ProvDiscEnterPIN:         "P2P-PROV-DISC-ENTER-PIN",
	ProvDiscFailure:          "P2P-PROV-DISC-FAILURE",
	InvitationReceived:       "P2P-INVITATION-RECEIVED",
	InvitationAccepted:       "P2P-INVITATION-ACCEPTED",
	InvitationResult:         "P2P-INVITATION-RESULT",
	FindStopped:              "P2P-FIND-STOPPED",
	WPSPBCActive:             "WPS-PBC-ACTIVE",
	WPSPBCDisable:            "WPS-PBC-DISABLE",
	WPSRegSuccess:            "WPS-REG-SUCCESS",
	WPSSuccess:               "WPS-SUCCESS",
	WPSFail:                  "WPS-FAIL",
	WPSTimeout:               "WPS-TIMEOUT",
	WPSOverlapDetected:       "WPS-OVERLAP-DETECTED",
	WPSEnrolleeSeen:          "WPS-ENROLLEE-SEEN",
	WPSPINNeeded:             "WPS-PIN-NEEDED",
	APStaConnected:           "AP-STA-CONNECTED",
	APStaDisconnected:        "AP-STA-DISCONNECTED",
	APEnabled:                "AP-ENABLED",
	APDisabled:               "AP-DISABLED",
	FourWayHSCompleted:       "EAPOL-4WAY-HS-COMPLETED",
	Terminating:              "CTRL-EVENT-TERMINATING",
	Disconnected:             "CTRL-EVENT-DISCONNECTED",
	Connected:                "CTRL-EVENT-CONNECTED",
	APStaPossiblePSKMismatch: "AP-STA-POSSIBLE-PSK-MISMATCH",
	EAPStarted:               "CTRL-EVENT-EAP-STARTED",
}

// String returns the wpa_supplicant event name of k, for example
// "P2P-DEVICE-FOUND", or "UNKNOWN" for Unknown. Values outside the defined
// range print as "Kind(N)".
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// kindOf maps an event name to its Kind. The switch compiles to a search on
// length and bytes, with no allocation and no map lookup.
func kindOf(name string) Kind {
	switch name {
	case "P2P-DEVICE-FOUND":
		return DeviceFound
	case "P2P-DEVICE-LOST":
		return DeviceLost
	case "P2P-GO-NEG-REQUEST":
		return GONegRequest
	case "P2P-GO-NEG-SUCCESS":
		return GONegSuccess
	case "P2P-GO-NEG-FAILURE":
		return GONegFailure
	case "P2P-GROUP-FORMATION-SUCCESS":
		return GroupFormationSuccess
	case "P2P-GROUP-FORMATION-FAILURE":
		return GroupFormationFailure
	case "P2P-GROUP-STARTED":
		return GroupStarted
	case "P2P-GROUP-REMOVED":
		return GroupRemoved
	case "P2P-PROV-DISC-PBC-REQ":
		return ProvDiscPBCReq
	case "P2P-PROV-DISC-PBC-RESP":
		return ProvDiscPBCResp
	case "P2P-PROV-DISC-SHOW-PIN":
		return ProvDiscShowPIN
	case "P2P-PROV-DISC-ENTER-PIN":
		return ProvDiscEnterPIN
	case "P2P-PROV-DISC-FAILURE":
		return ProvDiscFailure
	case "P2P-INVITATION-RECEIVED":
		return InvitationReceived
	case "P2P-INVITATION-ACCEPTED":
		return InvitationAccepted
	case "P2P-INVITATION-RESULT":
		return InvitationResult
	case "P2P-FIND-STOPPED":
		return FindStopped
	case "WPS-PBC-ACTIVE":
		return WPSPBCActive
	case "WPS-PBC-DISABLE":
		return WPSPBCDisable
	case "WPS-REG-SUCCESS":
		return WPSRegSuccess
	case "WPS-SUCCESS":
		return WPSSuccess
	case "WPS-FAIL":
		return WPSFail
	case "WPS-TIMEOUT":
		return WPSTimeout
	case "WPS-OVERLAP-DETECTED":
		return WPSOverlapDetected
	case "WPS-ENROLLEE-SEEN":
		return WPSEnrolleeSeen
	case "WPS-PIN-NEEDED":
		return WPSPINNeeded
	case "AP-STA-CONNECTED":
		return APStaConnected
	case "AP-STA-DISCONNECTED":
		return APStaDisconnected
	case "AP-ENABLED":
		return APEnabled
	case "AP-DISABLED":
		return APDisabled
	case "EAPOL-4WAY-HS-COMPLETED":
		return FourWayHSCompleted
	case "CTRL-EVENT-TERMINATING":
		return Terminating
	case "CTRL-EVENT-DISCONNECTED":
		return Disconnected
	case "CTRL-EVENT-CONNECTED":
		return Connected
	case "AP-STA-POSSIBLE-PSK-MISMATCH":
		return APStaPossiblePSKMismatch
	case "CTRL-EVENT-EAP-STARTED":
		return EAPStarted
	}
	return Unknown
}
