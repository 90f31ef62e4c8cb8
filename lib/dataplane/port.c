/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port start-up: attach the device named in the config, read what it can do
 * (queues, RSS, checksum offloads) and use it where present, software where
 * not. Any NIC that testpmd drives works, and so does any vdev.
 */
#include <stdio.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_flow.h>
#include <rte_lcore.h>

#include "dp_internal.h"

#define RX_DESC 1024
#define TX_DESC 1024

/* Find the port a devargs string names: already probed by EAL (-a, --vdev)
 * or hot-plugged here. */
static int
attach(struct dpxe_port *port, const char *devargs, char *err, size_t err_len)
{
	struct rte_dev_iterator it;
	uint16_t pid;
	int rc;

	memset(&it, 0, sizeof(it));
	RTE_ETH_FOREACH_MATCHING_DEV(pid, devargs, &it) {
		port->port_id = pid;
		rte_eth_iterator_cleanup(&it);
		return 0;
	}
	rc = rte_dev_probe(devargs);
	if (rc < 0) {
		snprintf(err, err_len,
			 "cannot attach \"%s\": %s (is the driver built into "
			 "DPDK, the interface present, and a PCI NIC bound to "
			 "vfio-pci?)",
			 devargs, rte_strerror(-rc));
		return -1;
	}
	port->attached_here = true;
	memset(&it, 0, sizeof(it));
	RTE_ETH_FOREACH_MATCHING_DEV(pid, devargs, &it) {
		port->port_id = pid;
		rte_eth_iterator_cleanup(&it);
		return 0;
	}
	snprintf(err, err_len, "\"%s\" attached but no ethdev port matches it",
		 devargs);
	return -1;
}

/*
 * Spread broadcast DISCOVERs across the port's queues. Best: the NIC hashes
 * on the Ethernet source (rte_flow RSS, L2_SRC_ONLY). Otherwise the workers
 * spread in software by chaddr.
 */
static int
setup_spreading(struct dpxe_dataplane *dp, struct dpxe_port *port,
		const struct rte_eth_dev_info *info, char *err, size_t err_len)
{
	enum dpxe_config_spreading mode = dp->cfg->dataplane.spreading;
	uint16_t queues[DPXE_MAX_WORKERS];
	struct rte_flow_attr attr = { .ingress = 1 };
	struct rte_flow_item pattern[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_ETH },
		{ .type = RTE_FLOW_ITEM_TYPE_END },
	};
	struct rte_flow_action_rss rss = {
		.types = RTE_ETH_RSS_ETH | RTE_ETH_RSS_L2_SRC_ONLY,
		.queue_num = port->nb_queues,
		.queue = queues,
	};
	struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_RSS, .conf = &rss },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct rte_flow_error ferr;

	if (port->spread_n >= 2 &&
	    dp->cfg->server.mode == DPXE_CONFIG_MODE_DHCP) {
		/* a client's lease is on worker dpxe_client_owner(chaddr) of
		 * all workers, of every port: every frame of it must reach
		 * that worker, which only the software hash guarantees (a
		 * NIC's RSS hashes the Ethernet source, which for a relayed
		 * request is the relay's, and stays within the port); the
		 * resolver refused flow and none in dhcp mode */
		port->spread_sw = true;
		return 0;
	}
	if (port->nb_queues < 2 || mode == DPXE_CONFIG_SPREADING_NONE)
		return 0;
	if (mode == DPXE_CONFIG_SPREADING_SOFTWARE) {
		port->spread_sw = true;
		return 0;
	}
	for (uint16_t q = 0; q < port->nb_queues; q++)
		queues[q] = q;
	if ((info->flow_type_rss_offloads & RTE_ETH_RSS_ETH) &&
	    rte_flow_validate(port->port_id, &attr, pattern, actions, &ferr) == 0)
		port->spread_flow = rte_flow_create(port->port_id, &attr,
						    pattern, actions, &ferr);
	if (port->spread_flow) {
		DP_LOG(INFO, "port %s: NIC spreads clients by source MAC",
		       port->name);
		return 0;
	}
	if (mode == DPXE_CONFIG_SPREADING_FLOW) {
		snprintf(err, err_len,
			 "port %s: spreading: flow was asked for but the NIC "
			 "cannot hash on the Ethernet source (%s); use "
			 "spreading: software or auto",
			 port->name, ferr.message ? ferr.message : "no reason given");
		return -1;
	}
	port->spread_sw = true;
	DP_LOG(INFO, "port %s: no L2-source RSS on this NIC; spreading "
		     "clients in software", port->name);
	return 0;
}

int
dpxe_port_setup(struct dpxe_dataplane *dp, unsigned int index, char *err,
		size_t err_len)
{
	const struct dpxe_config_dp_port *cp = &dp->cfg->dataplane.ports[index];
	const struct dpxe_config_server_port *sp = &dp->cfg->server.ports[index];
	struct dpxe_port *port = &dp->ports[index];
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t nb_rxd = RX_DESC, nb_txd = TX_DESC;
	int rc;

	if (attach(port, cp->devargs, err, err_len) < 0)
		return -1;
	if (rte_eth_dev_get_name_by_port(port->port_id, port->name) != 0)
		snprintf(port->name, sizeof(port->name), "port%u", port->port_id);
	rc = rte_eth_dev_info_get(port->port_id, &info);
	if (rc != 0) {
		snprintf(err, err_len, "port %s: cannot read device info: %s",
			 port->name, rte_strerror(-rc));
		return -1;
	}
	if (port->nb_queues > info.max_rx_queues ||
	    port->nb_queues > info.max_tx_queues) {
		snprintf(err, err_len,
			 "port %s: %u queues (workers) asked for, the device has "
			 "%u RX and %u TX queues; lower dataplane.ports[%u]."
			 "rx_queues (for net_af_packet add qpairs=N to devargs)",
			 port->name, port->nb_queues, info.max_rx_queues,
			 info.max_tx_queues, index);
		return -1;
	}
	if (dp->cross_ports && port->nb_txq > info.max_tx_queues) {
		/* no fallback: a worker without a queue here could not answer
		 * the clients of this port that it owns, and sharing a queue
		 * would need a lock per packet */
		snprintf(err, err_len,
			 "port %s: server.mode dhcp over %u ports needs a TX "
			 "queue per worker on every port (%u), the device has "
			 "%u: give it more queues (net_af_packet: qpairs=N in "
			 "devargs; net_pcap: one tx_pcap= per worker; virtio: "
			 "queues=N on the host), use fewer workers, or run one "
			 "dpxe per port with disjoint pools",
			 port->name, dp->cfg->dataplane.ports_count,
			 port->nb_txq, info.max_tx_queues);
		return -1;
	}

	memset(&conf, 0, sizeof(conf));
	if (port->nb_queues > 1 &&
	    (info.flow_type_rss_offloads & (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP))) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
			info.flow_type_rss_offloads &
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_ETH);
	}
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM) {
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
		port->rx_ip_csum = true;
	}
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_UDP_CKSUM) {
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
		port->rx_udp_csum = true;
	}
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) {
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
		port->tx_ip_csum = true;
	}
	rc = rte_eth_dev_configure(port->port_id, port->nb_queues,
				   port->nb_txq, &conf);
	if (rc != 0) {
		snprintf(err, err_len, "port %s: configure failed: %s",
			 port->name, rte_strerror(-rc));
		return -1;
	}
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port->port_id, &nb_rxd, &nb_txd);
	if (rc != 0) {
		snprintf(err, err_len, "port %s: descriptor counts: %s",
			 port->name, rte_strerror(-rc));
		return -1;
	}

	for (uint16_t q = 0; q < port->nb_queues; q++) {
		struct dpxe_worker *w = dp->workers[port->first_worker + q];
		unsigned int socket = rte_lcore_to_socket_id(w->lcore);
		struct rte_eth_rxconf rxq = info.default_rxconf;

		rxq.offloads = conf.rxmode.offloads;
		/* each worker's RX ring fills from its own pool */
		rc = rte_eth_rx_queue_setup(port->port_id, q, nb_rxd, socket,
					    &rxq, w->pool);
		if (rc != 0) {
			snprintf(err, err_len, "port %s: RX queue %u setup: %s",
				 port->name, q, rte_strerror(-rc));
			return -1;
		}
	}
	/* TX queue q is worker q's (dhcp mode, several ports: every worker
	 * has one here), else the port's worker with RX queue q */
	for (uint16_t q = 0; q < port->nb_txq; q++) {
		unsigned int wi = dp->cross_ports ? q : port->first_worker + q;
		unsigned int socket =
			rte_lcore_to_socket_id(dp->workers[wi]->lcore);
		struct rte_eth_txconf txq = info.default_txconf;

		txq.offloads = conf.txmode.offloads;
		rc = rte_eth_tx_queue_setup(port->port_id, q, nb_txd, socket,
					    &txq);
		if (rc != 0) {
			snprintf(err, err_len, "port %s: TX queue %u setup: %s",
				 port->name, q, rte_strerror(-rc));
			return -1;
		}
	}

	if (sp->mac_auto) {
		rte_eth_macaddr_get(port->port_id, &port->mac);
	} else {
		memcpy(port->mac.addr_bytes, sp->mac, RTE_ETHER_ADDR_LEN);
		/* keep receiving frames sent to the configured MAC even where
		 * the device cannot take it as its own */
		if (rte_eth_dev_default_mac_addr_set(port->port_id, &port->mac))
			rte_eth_promiscuous_enable(port->port_id);
	}

	rc = rte_eth_dev_start(port->port_id);
	if (rc != 0) {
		snprintf(err, err_len, "port %s: start failed: %s", port->name,
			 rte_strerror(-rc));
		return -1;
	}
	if (setup_spreading(dp, port, &info, err, err_len) < 0)
		return -1;
	DP_LOG(INFO,
	       "port %s (%s): %u RX / %u TX queue(s), MAC "
	       RTE_ETHER_ADDR_PRT_FMT ", offloads rx-ip %s rx-udp %s tx-ip %s",
	       port->name, info.driver_name, port->nb_queues, port->nb_txq,
	       RTE_ETHER_ADDR_BYTES(&port->mac), port->rx_ip_csum ? "on" : "off",
	       port->rx_udp_csum ? "on" : "off", port->tx_ip_csum ? "on" : "off");
	return 0;
}

void
dpxe_port_close(struct dpxe_port *port)
{
	struct rte_flow_error ferr;
	struct rte_eth_dev_info info;
	struct rte_device *dev = NULL;

	if (port->name[0] == '\0')
		return; /* never attached */
	if (port->spread_flow)
		rte_flow_destroy(port->port_id, port->spread_flow, &ferr);
	if (rte_eth_dev_info_get(port->port_id, &info) == 0)
		dev = info.device;
	rte_eth_dev_stop(port->port_id);
	rte_eth_dev_close(port->port_id);
	if (port->attached_here && dev)
		rte_dev_remove(dev);
}
