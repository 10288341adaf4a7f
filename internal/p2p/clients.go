package p2p

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// How every kind of client gets in (docs/clients.md): a phone that
// negotiates against a running group, invitations in both directions,
// known phones that come back, and negotiations authorised ahead.

const (
	// reformGap: a running group is torn down for one peer's GO
	// negotiation at most once per gap; a peer that negotiates over and
	// over is invited into the running group instead.
	reformGap = time.Minute
	// invitationGap: one P2P-INVITATION-RECEIVED per peer per gap is
	// acted upon (a flood is counted and dropped).
	invitationGap = 10 * time.Second
	// inviteTimeout: wpa_supplicant runs one invitation at a time; one
	// without a P2P-INVITATION-RESULT after this is forgotten.
	inviteTimeout = 15 * time.Second
	// maxRefusals invitations refused (or unanswered) within
	// refusalWindow stop the invitations to that peer for refusalBlock.
	maxRefusals   = 3
	refusalWindow = 10 * time.Minute
	refusalBlock  = 10 * time.Minute
	// Known phones: each is looked up (P2P_PEER) every knownPoll; one
	// seen by wpa_supplicant within knownFresh (its Probe Requests of
	// p2p_find reach our group interface and our listen) after having
	// been away is searching again, and is invited, at most once per
	// knownInviteGap.
	knownPoll      = 2 * time.Second
	knownFresh     = 3
	knownInviteGap = 15 * time.Second
	maxKnown       = 64
	knownBatch     = 8 // P2P_PEER lookups per poll
	// Pre-authorised negotiations (P2P_CONNECT … auth): at most
	// maxPreauth peers at a time, each forgotten after preauthTTL.
	maxPreauth = 4
	preauthTTL = time.Minute
)

// known is a phone of the persistent group's client list.
type known struct {
	present bool      // seen searching at the last lookup (or just left)
	invited time.Time // our last invitation to it
}

// refusal counts the invitations a peer refused.
type refusal struct {
	n     int
	first time.Time
	until time.Time
}

// statusText names a P2P status code (Wi-Fi P2P spec, table 8).
func statusText(st int) string {
	switch st {
	case -1:
		return "no answer"
	case 1:
		return "information currently unavailable: nothing on the phone accepted it (a plain wpa_supplicant client, wpa_cli or NetworkManager, never does)"
	case 2:
		return "incompatible parameters"
	case 3:
		return "limit reached"
	case 4:
		return "invalid parameters"
	case 5:
		return "unable to accommodate request"
	case 6:
		return "previous protocol error"
	case 7:
		return "no common channels"
	case 8:
		return "unknown P2P group"
	case 10:
		return "incompatible provisioning method"
	case 11:
		return "rejected by user"
	}
	return "status " + strconv.Itoa(st)
}

// ---------------------------------------------------------------------------
// Negotiation against a running group

// canReform reports whether the running group may be torn down to answer
// dev's GO negotiation as GO: nobody is in it or being enrolled, and dev
// did not have a re-formed group within reformGap.
func (s *Session) canReform(dev wpaevent.MAC, now time.Time) bool {
	if s.grp == nil || s.st != stateGroup || len(s.clients) > 0 || s.armed != nil || len(s.queue) > 0 || s.reform != nil {
		return false
	}
	if t, ok := s.reformed[dev]; ok && now.Sub(t) < reformGap && !now.Before(t) {
		s.count("reforms_rate_limited")
		s.log.Warn("phone negotiates again within a minute of the last re-formed group: inviting it into the running group instead",
			"peer", dev, "last", t)
		return false
	}
	return true
}

// reformFor removes the running (empty) group; when it is gone, e's
// negotiation is answered as GO (groupGone calls connect).
func (s *Session) reformFor(e *enrol, now time.Time) []Action {
	if len(s.reformed) >= maxPeers {
		clear(s.reformed)
	}
	s.reformed[e.peer] = now
	s.reform = e
	s.count("reforms")
	s.log.Info("phone asks for GO negotiation and the group has no client: removing the group to answer it as GO",
		"peer", e.peer, "dev_name", e.name, "method", e.method.String(), "group", s.grp.iface)
	return s.removeGroup(now, "GO negotiation from "+e.peer.String())
}

// ---------------------------------------------------------------------------
// Invitations sent

// invitesBlocked reports whether dev refused too many invitations lately.
func (s *Session) invitesBlocked(dev wpaevent.MAC, now time.Time) bool {
	r := s.refusals[dev]
	return r != nil && now.Before(r.until)
}

// sendInvite records the invitation in flight (wpa_supplicant runs one at
// a time and its P2P-INVITATION-RESULT does not name the peer).
func (s *Session) sendInvite(dev wpaevent.MAC, text string, now time.Time) Cmd {
	s.inviting, s.invitingAt = dev, now
	s.count("invitations_sent")
	return s.peerCmd("", text, TagInvite, dev)
}

// inviteBusy reports whether an invitation still waits for its result.
func (s *Session) inviteBusy(now time.Time) bool {
	return !s.inviting.IsZero() && now.Sub(s.invitingAt) < inviteTimeout
}

// invitationResult handles P2P-INVITATION-RESULT of our invitation.
func (s *Session) invitationResult(ev wpaevent.Event, now time.Time) []Action {
	dev := s.inviting
	if dev.IsZero() {
		s.log.Info("invitation result", "status", ev.Status)
		return nil
	}
	s.inviting = wpaevent.MAC{}
	if ev.Status == 0 {
		s.count("invitations_accepted")
		s.log.Info("invitation accepted by the phone", "peer", dev, "dev_name", s.nameOf(dev))
		delete(s.refusals, dev)
		return nil
	}
	s.count("invitations_refused")
	if k := s.known[dev]; k != nil {
		k.present = false // still searching: invited again after knownInviteGap
	}
	r := s.refusals[dev]
	if r == nil || now.Sub(r.first) > refusalWindow {
		if len(s.refusals) >= maxPeers {
			clear(s.refusals)
		}
		r = &refusal{first: now}
		s.refusals[dev] = r
	}
	r.n++
	var blockedFor string
	if r.n >= maxRefusals {
		r.until = now.Add(refusalBlock)
		r.n, r.first = 0, now
		blockedFor = refusalBlock.String()
	}
	s.log.Warn("invitation refused or unanswered by the phone", "peer", dev, "dev_name", s.nameOf(dev),
		"status", ev.Status, "meaning", statusText(ev.Status), "no_more_invitations_for", blockedFor)
	grp := ""
	if s.grp != nil {
		grp = s.grp.iface
	}
	a := s.hook(false, "invite_failed", dev.String(), strconv.Itoa(ev.Status), grp)
	if e := s.armed; e != nil && e.peer == dev {
		e.refused = true
		// The phone's user may still accept (Android asks): WPS stays
		// armed for its walk, unless other phones wait for the registrar.
		if slices.ContainsFunc(s.queue, func(q *enrol) bool { return q.state == enrolQueued }) {
			s.count("enrol_failures")
			a = append(a, s.cmd(s.grp.iface, "WPS_CANCEL", TagNone))
			a = append(a, s.release(now)...)
		}
	}
	return a
}

// ---------------------------------------------------------------------------
// Invitations received

// invitationReceived handles P2P-INVITATION-RECEIVED: wpa_supplicant did
// not accept a peer's invitation by itself.
func (s *Session) invitationReceived(ev wpaevent.Event, now time.Time) []Action {
	dev := ev.Addr
	if !usablePeer(dev) {
		s.count("refused_address")
		s.log.Warn("invitation from an invalid address ignored", "peer", dev)
		return nil
	}
	if t, ok := s.invRecv[dev]; ok && now.Sub(t) < invitationGap && !now.Before(t) {
		s.count("invitations_rate_limited")
		return nil
	}
	if len(s.invRecv) >= maxPeers {
		clear(s.invRecv)
	}
	s.invRecv[dev] = now
	if !s.admittedAt(dev, now) {
		s.count("refused_mac")
		s.log.Warn("invitation refused: device address not allowed", "peer", dev)
		return nil
	}
	if ev.Persistent && s.netID >= 0 && ev.PersistentID == s.netID {
		// Our persistent group, re-invoked while it does not run:
		// wpa_supplicant accepts that itself with persistent_reconnect=1;
		// it is off, so the GO re-invokes the group towards the phone.
		s.log.Info("a phone re-invokes our persistent group and wpa_supplicant did not accept it (persistent_reconnect=0): inviting it",
			"peer", dev, "network_id", s.netID)
		s.count("reinvocations_answered")
		if s.inviteBusy(now) || s.invitesBlocked(dev, now) {
			return nil
		}
		if s.grp != nil {
			return []Action{s.sendInvite(dev, "P2P_INVITE group="+s.grp.iface+" peer="+dev.String(), now)}
		}
		if s.st == stateIdle {
			return []Action{s.sendInvite(dev, "P2P_INVITE persistent="+strconv.Itoa(s.netID)+" peer="+dev.String(), now)}
		}
		return nil
	}
	// A group we do not have (Windows re-invoking the group it stored, or
	// an invitation to the peer's own group): bring the peer into ours.
	s.log.Info("a peer invites us to a group we do not have: inviting it into our group", "peer", dev,
		"persistent_id", ev.PersistentID, "ssid", ev.SSID)
	s.count("foreign_invitations")
	s.register(dev, "", "", now)
	switch {
	case s.pol.pbc:
		return s.requestVia(dev, methodPBC, true, true, now)
	case s.pol.keypad || s.pol.random:
		return s.requestVia(dev, methodKeypad, true, true, now)
	}
	// display only: the peer's provision discovery will say its PIN.
	if s.grp != nil && !s.inviteBusy(now) && !s.invitesBlocked(dev, now) {
		return []Action{s.sendInvite(dev, "P2P_INVITE group="+s.grp.iface+" peer="+dev.String(), now)}
	}
	return nil
}

// ---------------------------------------------------------------------------
// Negotiations authorised ahead

// preauthMethod returns the P2P_CONNECT method words to authorise a
// negotiation with, or "" when the policy does not fix one method (an
// authorisation with the wrong method would fail the phone's negotiation
// instead of reporting P2P-GO-NEG-REQUEST).
func (s *Session) preauthMethod() (string, method) {
	if len(s.cfg.WhiteList) > 0 || s.pol.display || s.pol.random {
		return "", 0
	}
	switch {
	case s.pol.pbc && !s.pol.keypad:
		return "pbc", methodPBC
	case s.pol.keypad && !s.pol.pbc && s.cfg.PIN != "":
		return s.cfg.PIN + " display", methodKeypad
	}
	return "", 0
}

// preauthorise authorises dev's GO negotiation before it asks, in the
// negotiated modes while idle: its first GO Negotiation Request is then
// answered at once instead of after a second negotiation.
func (s *Session) preauthorise(dev wpaevent.MAC, now time.Time) []Action {
	if !s.negotiated() || s.st != stateIdle || s.grp != nil || len(s.negotiating) > 0 || s.stopping || !usablePeer(dev) {
		return nil
	}
	if !s.polKnown {
		return nil
	}
	how, m := s.preauthMethod()
	if how == "" || !s.admittedAt(dev, now) {
		return nil
	}
	maps.DeleteFunc(s.preauth, func(_ wpaevent.MAC, t time.Time) bool { return now.Sub(t) >= preauthTTL || now.Before(t) })
	if _, ok := s.preauth[dev]; ok {
		return nil
	}
	if len(s.preauth) >= maxPreauth {
		s.count("preauth_full")
		return nil
	}
	s.preauth[dev] = now
	s.negMethod[dev] = m
	s.count("preauthorised")
	s.log.Info("authorising the phone's GO negotiation ahead", "peer", dev, "dev_name", s.nameOf(dev), "method", m.String())
	args := []string{"P2P_CONNECT", dev.String(), how, "auth"}
	args = append(args, s.connectOpts()...)
	return []Action{s.peerCmd("", strings.Join(args, " "), TagPreauth, dev)}
}

// connectOpts are the P2P_CONNECT words after the method: persistent,
// go_intent, freq and p2p_connect_opts.
func (s *Session) connectOpts() []string {
	var args []string
	if s.persistentMode() {
		if s.netID >= 0 {
			args = append(args, "persistent="+strconv.Itoa(s.netID))
		} else {
			args = append(args, "persistent")
		}
	}
	args = append(args, "go_intent=15")
	if s.cfg.GroupFreq > 0 {
		args = append(args, "freq="+strconv.Itoa(s.cfg.GroupFreq))
	}
	if s.cfg.P2PConnectOpts != "" {
		args = append(args, s.cfg.P2PConnectOpts)
	}
	return args
}

// ---------------------------------------------------------------------------
// Known phones

// inviteKnownOn reports whether known phones are invited back.
func (s *Session) inviteKnownOn() bool {
	return s.cfg.InviteKnown && s.persistentMode() && s.netID >= 0
}

// clientListCmd asks for the persistent group's client list.
func (s *Session) clientListCmd() []Action {
	if !s.persistentMode() || s.netID < 0 {
		return nil
	}
	c := s.cmd("", "GET_NETWORK "+strconv.Itoa(s.netID)+" p2p_client_list", TagClientList)
	c.NetID = s.netID
	return []Action{c}
}

// clientList takes the known phones from GET_NETWORK … p2p_client_list
// (device addresses separated by spaces) and starts looking for them.
func (s *Session) clientList(c Cmd, reply string, err error, now time.Time) []Action {
	if c.NetID != s.netID {
		return nil
	}
	if err == nil {
		for _, f := range strings.Fields(reply) {
			if m, perr := wpaevent.ParseMAC(f); perr == nil {
				s.addKnown(m, false)
			}
		}
		s.log.Info("known phones (persistent group client list)", "count", len(s.known))
	}
	if !s.inviteKnownOn() || len(s.known) == 0 {
		return nil
	}
	return []Action{ArmTimer{Name: timerKnown, After: knownPoll}}
}

// addKnown adds dev to the known phones; present says it is here now (it
// joined: an invitation it took does not hold back the next one).
func (s *Session) addKnown(dev wpaevent.MAC, present bool) {
	if !usablePeer(dev) {
		return
	}
	if k := s.known[dev]; k != nil {
		k.present = k.present || present
		if present {
			k.invited = time.Time{}
		}
		return
	}
	if len(s.known) >= maxKnown {
		return
	}
	s.known[dev] = &known{present: present}
}

// knownTick looks up the known phones that are not in the group.
func (s *Session) knownTick(now time.Time) []Action {
	if !s.inviteKnownOn() || len(s.known) == 0 {
		return nil
	}
	a := []Action{ArmTimer{Name: timerKnown, After: knownPoll}}
	if (s.st != stateGroup && s.st != stateIdle) || s.armed != nil || len(s.negotiating) > 0 || s.inviteBusy(now) || s.stopping {
		return a
	}
	in := map[wpaevent.MAC]bool{}
	for _, c := range s.clients {
		in[c.dev] = true
	}
	devs := slices.SortedFunc(maps.Keys(s.known), func(x, y wpaevent.MAC) int { return strings.Compare(x.String(), y.String()) })
	devs = slices.DeleteFunc(devs, func(d wpaevent.MAC) bool { return in[d] })
	if len(devs) == 0 {
		return a
	}
	if len(devs) > knownBatch { // a round robin over the polls
		start := s.knownNext % len(devs)
		devs = append(devs[start:], devs[:start]...)[:knownBatch]
		s.knownNext = start + knownBatch
	}
	for _, d := range devs {
		a = append(a, s.peerCmd("", "P2P_PEER "+d.String(), TagKnownPeer, d))
	}
	return a
}

// knownPeer handles the P2P_PEER reply about a known phone: one seen just
// now after having been away searches again, and is invited.
func (s *Session) knownPeer(c Cmd, reply string, err error, now time.Time) []Action {
	k := s.known[c.Peer]
	if k == nil || !s.inviteKnownOn() {
		return nil
	}
	fresh := false
	if err == nil {
		if p, perr := wpaevent.ParsePeer(reply); perr == nil && p.Addr == c.Peer {
			fresh = p.Age <= knownFresh
			if p.DeviceName != "" {
				s.register(c.Peer, p.DeviceName, p.PriDevType, now)
			}
		}
	}
	was := k.present
	k.present = fresh
	if !fresh || was {
		return nil
	}
	return s.inviteKnown(c.Peer, k, now)
}

func (s *Session) inviteKnown(dev wpaevent.MAC, k *known, now time.Time) []Action {
	for _, c := range s.clients {
		if c.dev == dev {
			return nil
		}
	}
	switch {
	case !s.admittedAt(dev, now):
		return nil
	case s.invitesBlocked(dev, now):
		s.log.Info("known phone searches again, not invited: it refused the last invitations", "peer", dev)
		return nil
	case !k.invited.IsZero() && now.Sub(k.invited) < knownInviteGap && !now.Before(k.invited):
		// Too soon after an invitation it did not take: look again at
		// the next poll (a phone that keeps searching is invited once
		// the gap is over, not only after it stopped searching).
		k.present = false
		return nil
	case s.inviteBusy(now) || s.armed != nil || len(s.negotiating) > 0:
		k.present = false // look again at the next poll
		return nil
	}
	var text string
	switch {
	case s.grp != nil && s.st == stateGroup:
		text = "P2P_INVITE group=" + s.grp.iface + " peer=" + dev.String()
	case s.grp == nil && s.st == stateIdle:
		text = "P2P_INVITE persistent=" + strconv.Itoa(s.netID) + " peer=" + dev.String()
	default:
		return nil
	}
	k.invited = now
	s.count("known_invited")
	s.log.Info("a known phone searches again: inviting it back into the persistent group", "peer", dev, "dev_name", s.nameOf(dev))
	return []Action{s.sendInvite(dev, text, now)}
}

// Forget removes a phone from the known phones and from the persistent
// group's client list (P2P_REMOVE_CLIENT, which also disconnects it), so
// it is no longer invited back and must enrol again.
func (s *Session) Forget(addr wpaevent.MAC, now time.Time) ([]Action, error) {
	if !usablePeer(addr) {
		return nil, status.Errorf(status.ErrInvalid, "%s is not a phone's address", addr)
	}
	dev := addr
	for _, c := range s.clients {
		if c.iface == addr && !c.dev.IsZero() {
			dev = c.dev
		}
	}
	_, wasKnown := s.known[dev]
	delete(s.known, dev)
	delete(s.refusals, dev)
	s.log.Info("forgetting phone", "peer", dev, "was_known", wasKnown)
	s.count("forgotten")
	return []Action{s.cmd("", "P2P_REMOVE_CLIENT "+dev.String(), TagNone)}, nil
}

// knownList returns the known phones' device addresses, sorted.
func (s *Session) knownList() []string {
	var out []string
	for d := range s.known {
		out = append(out, d.String())
	}
	slices.Sort(out)
	return out
}
