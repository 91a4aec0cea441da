/**
 * `ip -j` / `bridge -j` outputs captured verbatim (iproute2 6.1, Debian 12) in a lab node
 * (`ngl89446c-n0`, built by withLab) with pods x/a (10.1.0.10, fd00:1::a; host veth veth5356176b,
 * peer namespace ngl89446c-p0) and x/b (10.1.0.11; vethb68ad6bd, ngl89446c-p1), after each pod had
 * connected to the cni0 gateway (so the node has neighbour entries and the bridge learned the MACs).
 * Input for the veth discovery unit tests.
 */

/** `ip -j link show master cni0` in the node. */
export const LINKS =
  '[{"ifindex":5,"link_index":2,"ifname":"veth5356176b","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1450,"qdisc":"noqueue","master":"cni0","operstate":"UP","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"ether","address":"b6:18:dd:fc:49:26","broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":1},{"ifindex":6,"link_index":2,"ifname":"vethb68ad6bd","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1450,"qdisc":"noqueue","master":"cni0","operstate":"UP","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"ether","address":"f2:d2:b7:de:95:5d","broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":2}]';

/** `ip -j netns list` in the node: ids are the node's nsids of the peers (no id: no link to it). */
export const NETNS =
  '[{"name":"ngl89446c-p1","id":2},{"name":"ngl89446c-wire","id":0},{"name":"ngl89446c-p0","id":1},{"name":"ngl89446c-n0"}]';

/** `ip -j neigh show dev cni0` in the node. */
export const NEIGH =
  '[{"dst":"10.1.0.11","lladdr":"56:b0:70:71:55:4b","state":["DELAY"]},{"dst":"10.1.0.10","lladdr":"46:82:46:10:c3:94","state":["DELAY"]},{"dst":"fe80::4482:46ff:fe10:c394","lladdr":"46:82:46:10:c3:94","state":["STALE"]},{"dst":"fd00:1::a","lladdr":"46:82:46:10:c3:94","state":["DELAY"]},{"dst":"fe80::54b0:70ff:fe71:554b","lladdr":"56:b0:70:71:55:4b","state":["STALE"]}]';

/** `bridge -j fdb show br cni0` in the node. */
export const FDB =
  '[{"mac":"33:33:00:00:00:01","ifname":"cni0","flags":["self"],"state":"permanent"},{"mac":"33:33:00:00:00:02","ifname":"cni0","flags":["self"],"state":"permanent"},{"mac":"33:33:ff:00:00:01","ifname":"cni0","flags":["self"],"state":"permanent"},{"mac":"33:33:ff:00:00:00","ifname":"cni0","flags":["self"],"state":"permanent"},{"mac":"01:00:5e:00:00:6a","ifname":"cni0","flags":["self"],"state":"permanent"},{"mac":"33:33:00:00:00:6a","ifname":"cni0","flags":["self"],"state":"permanent"},{"mac":"01:00:5e:00:00:01","ifname":"cni0","flags":["self"],"state":"permanent"},{"mac":"33:33:ff:54:45:26","ifname":"cni0","flags":["self"],"state":"permanent"},{"mac":"46:82:46:10:c3:94","ifname":"veth5356176b","flags":[],"master":"cni0","state":""},{"mac":"b6:18:dd:fc:49:26","ifname":"veth5356176b","flags":[],"master":"cni0","state":"permanent"},{"mac":"33:33:00:00:00:01","ifname":"veth5356176b","flags":["self"],"state":"permanent"},{"mac":"33:33:00:00:00:02","ifname":"veth5356176b","flags":["self"],"state":"permanent"},{"mac":"01:00:5e:00:00:01","ifname":"veth5356176b","flags":["self"],"state":"permanent"},{"mac":"33:33:ff:fc:49:26","ifname":"veth5356176b","flags":["self"],"state":"permanent"},{"mac":"33:33:ff:00:00:00","ifname":"veth5356176b","flags":["self"],"state":"permanent"},{"mac":"56:b0:70:71:55:4b","ifname":"vethb68ad6bd","flags":[],"master":"cni0","state":""},{"mac":"f2:d2:b7:de:95:5d","ifname":"vethb68ad6bd","flags":[],"master":"cni0","state":"permanent"},{"mac":"33:33:00:00:00:01","ifname":"vethb68ad6bd","flags":["self"],"state":"permanent"},{"mac":"33:33:00:00:00:02","ifname":"vethb68ad6bd","flags":["self"],"state":"permanent"},{"mac":"01:00:5e:00:00:01","ifname":"vethb68ad6bd","flags":["self"],"state":"permanent"},{"mac":"33:33:ff:de:95:5d","ifname":"vethb68ad6bd","flags":["self"],"state":"permanent"},{"mac":"33:33:ff:00:00:00","ifname":"vethb68ad6bd","flags":["self"],"state":"permanent"}]';

/** `ip -n ngl89446c-p0 -j addr show` (pod x/a). */
export const ADDR_P0 =
  '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":"UNKNOWN","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet6","local":"::1","prefixlen":128,"scope":"host","valid_life_time":4294967295,"preferred_life_time":4294967295}]},{"ifindex":2,"link_index":5,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1450,"qdisc":"noqueue","operstate":"UP","group":"default","txqlen":1000,"link_type":"ether","address":"46:82:46:10:c3:94","broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":0,"addr_info":[{"family":"inet","local":"10.1.0.10","prefixlen":24,"scope":"global","label":"eth0","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet6","local":"fd00:1::a","prefixlen":64,"scope":"global","nodad":true,"valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet6","local":"fe80::4482:46ff:fe10:c394","prefixlen":64,"scope":"link","valid_life_time":4294967295,"preferred_life_time":4294967295}]}]';

/** `ip -n ngl89446c-p1 -j addr show` (pod x/b). */
export const ADDR_P1 =
  '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":"UNKNOWN","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet6","local":"::1","prefixlen":128,"scope":"host","valid_life_time":4294967295,"preferred_life_time":4294967295}]},{"ifindex":2,"link_index":6,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1450,"qdisc":"noqueue","operstate":"UP","group":"default","txqlen":1000,"link_type":"ether","address":"56:b0:70:71:55:4b","broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":0,"addr_info":[{"family":"inet","local":"10.1.0.11","prefixlen":24,"scope":"global","label":"eth0","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet6","local":"fe80::54b0:70ff:fe71:554b","prefixlen":64,"scope":"link","valid_life_time":4294967295,"preferred_life_time":4294967295}]}]';

/** stderr and exit code of `ip -j link show master cni9` (no such bridge). */
export const NO_BRIDGE = {
  code: 255,
  stderr: 'Error: argument "cni9" is wrong: Device does not exist\n\n',
} as const;
