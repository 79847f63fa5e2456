#!/bin/bash
# Scenario groups for capture_file_net.sh, run as `bash scenarios_file_net.sh GROUP` inside a
# fresh audit session. Every file operation is made by fsnetops (tests/capture/fsnetops.c)
# inside $CAPTURE_TMP: plainly in $CAPTURE_TMP/t, or chroot'ed into $CAPTURE_TMP/root (-r) so
# that the records show system paths (/etc/cron.d/...) without the real ones being touched.
# Network operations go to loopback, or stay inside a network namespace made here (unshare -n).
# `capture-step LABEL` (a /bin/true copy) labels the events that follow it; the rule scenarios
# are labelled RULE_FILE_STEM:fire or RULE_FILE_STEM:miss (tests/app/test_file_network.cpp).
set -u
: "${CAPTURE_TMP:?CAPTURE_TMP must be set}"
case $CAPTURE_TMP in
    /tmp/?*) ;;
    *) echo "scenarios_file_net.sh: CAPTURE_TMP must be under /tmp: $CAPTURE_TMP" >&2; exit 1 ;;
esac
B=$CAPTURE_TMP/bin      # fsnetops and capture-step
N=$CAPTURE_TMP/named    # fsnetops copies under the process names some rules test
R=$CAPTURE_TMP/root     # the chroot
T=$CAPTURE_TMP/t        # plain temp folder
F=$B/fsnetops

step() { "$B/capture-step" "$@"; }
# rule STEM fire|miss COMMAND...: one labelled scenario of an upstream rule
rule() { step "$1:$2"; "${@:3}"; }
in_root() { "$F" -r "$R" "$@"; }

group_file_events() {
    cd "$T" || exit 1
    step create-relative;         "$F" create new.txt
    step write-truncate;          "$F" write new.txt
    step append;                  "$F" append new.txt
    step read-only;               "$F" read new.txt
    step creat;                   "$F" creat creat.sh
    step openat2;                 "$F" openat2 "$T/o2.conf"
    step openat-dirfd;            "$F" atcreate "$T/sub" at.txt
    step rename-relative;         "$F" rename new.txt sub/renamed.sh
    step create-target;           "$F" create sub/target
    step rename-replace;          "$F" rename sub/renamed.sh sub/target
    step rename-dotdot;           "$F" -C sub rename ../creat.sh ./moved
    step unlink;                  "$F" unlink sub/target
    step unlink-missing;          "$F" unlink missing
    step mkdir;                   "$F" mkdir newdir
    step rmdir;                   "$F" rmdir newdir
    step symlink;                 "$F" symlink sub/moved link
    step hardlink;                "$F" link sub/moved hard
    step chmod;                   "$F" chmod sub/moved
    step chown;                   "$F" chown sub/moved
    step truncate;                "$F" truncate sub/moved
    step chroot-create;           in_root create /etc/cron.d/job
    step chroot-dotdot;           in_root -C /etc/init.d create ../rc.local
}

group_network_events() {
    local port4=$1 port6=$2 closed=$3
    step listen4;                 "$F" listen4 "$port4"
    step listen6;                 "$F" listen6 "$port6"
    step connect4-refused;        "$F" connect4 127.0.0.1 "$closed"
    step connect6-mapped-refused; "$F" connect6 ::ffff:127.0.0.1 "$closed"
    step connect-unreachable;     unshare -n "$F" connect4 10.1.2.3 10250
    step udp-connect;             "$F" udp4 127.0.0.1 "$closed"
    step unix-connect-missing;    "$F" unix "$T/no-such-socket"
    step unix-serve;              "$F" unixserve "$T/served.sock"
}

group_file_rules() {
    rule credential_access_genai_process_sensitive_file_access fire "$N/claude" -r "$R" write /root/.bashrc
    rule credential_access_genai_process_sensitive_file_access miss "$N/claude" -r "$R" write /root/notes.txt
    rule credential_access_ssh_backdoor_log fire "$N/ssh" -r "$R" create /tmp/.sshlog
    rule credential_access_ssh_backdoor_log miss "$N/ssh" -r "$R" create /root/.cache
    rule defense_evasion_authorized_keys_file_deletion fire in_root unlink /root/.ssh/authorized_keys
    rule defense_evasion_authorized_keys_file_deletion miss in_root unlink /root/.ssh/authorized_keys.bak
    rule defense_evasion_binary_copied_to_suspicious_directory fire "$N/mv" -r "$R" rename /usr/bin/tool /tmp/tool
    rule defense_evasion_binary_copied_to_suspicious_directory miss "$N/mv" -r "$R" rename /usr/bin/tool.tmp /tmp/tool2
    rule defense_evasion_creation_of_hidden_files_directories fire "$N/chflags" -r "$R" create /tmp/flagged
    rule defense_evasion_creation_of_hidden_files_directories miss in_root create /tmp/flagged2
    rule defense_evasion_deleting_websvr_access_logs fire in_root unlink /var/log/apache2/access.log
    rule defense_evasion_deleting_websvr_access_logs miss in_root unlink /var/log/apache2/error.log
    rule defense_evasion_doas_configuration_creation_or_rename fire in_root create /etc/doas.conf
    rule defense_evasion_doas_configuration_creation_or_rename miss in_root unlink /etc/doas.conf
    rule defense_evasion_dynamic_linker_file_creation fire in_root create /etc/ld.so.preload
    rule defense_evasion_dynamic_linker_file_creation miss in_root write /etc/ld.so.preload
    rule defense_evasion_hidden_shared_object fire in_root create /tmp/.hidden.so
    rule defense_evasion_hidden_shared_object miss in_root create /tmp/visible.so
    rule defense_evasion_ld_so_creation fire in_root create /lib64/ld-linux-x86-64.so.2
    rule defense_evasion_ld_so_creation miss in_root create /lib64/ld-other.so.2
    rule defense_evasion_log_files_deleted fire in_root unlink /var/log/wtmp
    rule defense_evasion_log_files_deleted miss in_root unlink /var/log/wtmp.1
    rule defense_evasion_rename_esxi_files fire in_root rename /vmfs/disk.vmdk /vmfs/disk.vmdk.locked
    rule defense_evasion_rename_esxi_files miss in_root rename /vmfs/other.vmdk /vmfs/other2.vmdk
    rule defense_evasion_selinux_configuration_creation_or_renaming fire in_root create /etc/selinux/config
    rule defense_evasion_selinux_configuration_creation_or_renaming miss in_root unlink /etc/selinux/config
    rule defense_evasion_ssl_certificate_deletion fire in_root unlink /etc/ssl/certs/evil.pem
    rule defense_evasion_ssl_certificate_deletion miss in_root unlink /etc/ssl/certs/readme.txt
    rule execution_sap_netweaver_jsp_webshell fire in_root create /usr/sap/sap.com/app/servlet_jsp/irj/root/shell.jsp
    rule execution_sap_netweaver_jsp_webshell miss in_root create /usr/sap/sap.com/app/servlet_jsp/irj/root/shell.txt
    rule execution_suspicious_mining_process_creation_events fire in_root create /etc/systemd/system/c3pool_miner.service
    rule execution_suspicious_mining_process_creation_events miss in_root create /etc/systemd/system/c3pool.service
    rule impact_hosts_file_modified fire in_root write /etc/hosts
    rule impact_hosts_file_modified miss in_root rename /etc/hosts.new /etc/hosts
    rule lateral_movement_kubeconfig_file_activity fire in_root create /root/.kube/config
    rule lateral_movement_kubeconfig_file_activity miss in_root unlink /root/.kube/config
    rule persistence_apt_package_manager_file_creation fire in_root create /etc/apt/apt.conf.d/99evil
    rule persistence_apt_package_manager_file_creation miss in_root unlink /etc/apt/apt.conf.d/99evil
    rule persistence_at_job_creation fire in_root create /var/spool/cron/atjobs/a0001
    rule persistence_at_job_creation miss in_root unlink /var/spool/cron/atjobs/a0001
    rule persistence_cron_job_creation fire in_root create /etc/cron.d/evil
    rule persistence_cron_job_creation miss in_root write /etc/cron.d/evil
    rule persistence_dbus_service_creation fire in_root create /etc/dbus-1/system.d/evil.conf
    rule persistence_dbus_service_creation miss in_root create /etc/dbus-1/system.d/evil.txt
    rule persistence_dnf_package_manager_plugin_file_creation fire in_root create /etc/dnf/plugins/evil.py
    rule persistence_dnf_package_manager_plugin_file_creation miss in_root unlink /etc/dnf/plugins/evil.py
    rule persistence_dracut_module_creation fire in_root create /usr/lib/dracut/modules.d/99evil
    rule persistence_dracut_module_creation miss in_root unlink /usr/lib/dracut/modules.d/99evil
    rule persistence_git_hook_file_creation fire in_root create /srv/repo/.git/hooks/pre-commit
    rule persistence_git_hook_file_creation miss in_root create /srv/repo/.git/hooks/pre-commit.sample
    rule persistence_grub_configuration_creation fire in_root create /etc/default/grub
    rule persistence_grub_configuration_creation miss in_root unlink /etc/default/grub
    rule persistence_init_d_file_creation fire in_root create /etc/init.d/evil
    rule persistence_init_d_file_creation miss in_root unlink /etc/init.d/evil
    rule persistence_kde_autostart_modification fire in_root create /root/.config/autostart/evil.desktop
    rule persistence_kde_autostart_modification miss in_root create /root/.config/autostart/evil.txt
    rule persistence_kubernetes_sensitive_file_activity fire in_root create /etc/kubernetes/manifests/pod.yaml
    rule persistence_kubernetes_sensitive_file_activity miss in_root unlink /etc/kubernetes/manifests/pod.yaml
    rule persistence_kworker_file_creation fire "$N/kworker-evil" -r "$R" create /tmp/kw
    rule persistence_kworker_file_creation miss in_root create /tmp/kw2
    rule persistence_lkm_configuration_file_creation fire in_root create /etc/modprobe.d/evil.conf
    rule persistence_lkm_configuration_file_creation miss in_root write /etc/modprobe.d/evil.conf
    rule persistence_message_of_the_day_creation fire in_root create /etc/update-motd.d/99-evil
    rule persistence_message_of_the_day_creation miss in_root write /etc/update-motd.d/99-evil
    rule persistence_network_manager_dispatcher_persistence fire in_root create /etc/NetworkManager/dispatcher.d/evil
    rule persistence_network_manager_dispatcher_persistence miss in_root unlink /etc/NetworkManager/dispatcher.d/evil
    rule persistence_pluggable_authentication_module_creation fire in_root create /etc/pam.d/evil
    rule persistence_pluggable_authentication_module_creation miss in_root create /etc/pam.d/evil.conf
    rule persistence_pluggable_authentication_module_creation_in_unusual_dir fire in_root create /tmp/pam_evil.so
    rule persistence_pluggable_authentication_module_creation_in_unusual_dir miss in_root create /lib/security/pam_evil.so
    rule persistence_polkit_policy_creation fire in_root create /etc/polkit-1/rules.d/evil.rules
    rule persistence_polkit_policy_creation miss in_root create /etc/polkit-1/rules.d/evil.txt
    rule persistence_pth_file_creation fire in_root create /usr/lib/python3/dist-packages/evil.pth
    rule persistence_pth_file_creation miss in_root create /usr/lib/python3/dist-packages/evil.py
    rule persistence_rc_script_creation fire in_root -C /etc/init.d create ../rc.common
    rule persistence_rc_script_creation miss in_root create /etc/init.d/rc.local
    rule persistence_shadow_file_modification fire in_root rename /etc/shadow.new /etc/shadow
    rule persistence_shadow_file_modification miss in_root rename /etc/nshadow /etc/shadow
    rule persistence_shell_configuration_modification fire in_root create /root/.bash_aliases
    rule persistence_shell_configuration_modification miss in_root write /root/.bash_aliases
    rule persistence_site_and_user_customize_file_creation fire in_root create /usr/lib/python3.11/sitecustomize.py
    rule persistence_site_and_user_customize_file_creation miss in_root unlink /usr/lib/python3.11/sitecustomize.py
    rule persistence_ssh_key_generation fire chroot "$R" /usr/bin/ssh-keygen create /root/.ssh/id_evil
    rule persistence_ssh_key_generation miss chroot "$R" /usr/bin/ssh-keygen create /root/.ssh/known_hosts.old
    rule persistence_suspicious_file_opened_through_editor fire in_root create /etc/.shadow.swp
    rule persistence_suspicious_file_opened_through_editor miss in_root create /etc/.shadow.swx
    rule persistence_systemd_generator_creation fire in_root create /etc/systemd/system-generators/evil
    rule persistence_systemd_generator_creation miss in_root unlink /etc/systemd/system-generators/evil
    rule persistence_systemd_override_conf_creation fire in_root create /etc/systemd/system/ssh.service.d/override.conf
    rule persistence_systemd_override_conf_creation miss in_root create /etc/systemd/system/ssh.service.d/override.txt
    rule persistence_systemd_scheduled_timer_created fire in_root create /etc/systemd/system/evil.timer
    rule persistence_systemd_scheduled_timer_created miss in_root create /etc/systemd/system/evil.timers
    rule persistence_systemd_service_creation fire in_root create /etc/systemd/system/evil.service
    rule persistence_systemd_service_creation miss in_root unlink /etc/systemd/system/evil.service
    rule persistence_udev_rule_creation fire in_root create /etc/udev/rules.d/99-evil.rules
    rule persistence_udev_rule_creation miss in_root create /etc/udev/rules.d/99-evil.txt
    rule persistence_webserver_php_file_creation_in_wordpress_plugin_dir fire "$N/sh" -r "$R" create /var/www/wp-content/plugins/x.php
    rule persistence_webserver_php_file_creation_in_wordpress_plugin_dir miss in_root create /var/www/wp-content/plugins/y.php
    rule persistence_yum_package_manager_plugin_file_creation fire in_root create /etc/yum/pluginconf.d/evil.conf
    rule persistence_yum_package_manager_plugin_file_creation miss in_root unlink /etc/yum/pluginconf.d/evil.conf
    rule privilege_escalation_cve_2025_32463_nsswitch_file_creation fire "$N/sh" -r "$R" create /srv/woot/etc/nsswitch.conf
    rule privilege_escalation_cve_2025_32463_nsswitch_file_creation miss in_root create /srv/woot2/etc/nsswitch.conf
    rule privilege_escalation_docker_release_file_creation fire in_root create /tmp/cg/release_agent
    rule privilege_escalation_docker_release_file_creation miss in_root create /tmp/cg/release_agent2
    rule privilege_escalation_pkexec_envar_hijack fire in_root mkdir "/tmp/GCONV_PATH=."
    rule privilege_escalation_pkexec_envar_hijack miss in_root mkdir /tmp/GCONV
    rule privilege_escalation_snap_confine_lpe_via_cve_2026_3888 fire in_root -u 65534 create /tmp/.snap-evil
    rule privilege_escalation_snap_confine_lpe_via_cve_2026_3888 miss in_root create /tmp/.snap-root
    rule privilege_escalation_sudo_hijacking fire in_root create /usr/bin/sudo
    rule privilege_escalation_sudo_hijacking miss in_root unlink /usr/bin/sudo
    rule privilege_escalation_sudoers_file_mod fire in_root create /etc/sudoers.d/evil
    rule privilege_escalation_sudoers_file_mod miss in_root unlink /etc/sudoers.d/evil
}

group_network_rules() {
    local closed=$1
    # A copy of fsnetops under /tmp: process.executable like "/tmp/*"; 10250 refused on loopback.
    rule lateral_movement_kubelet_api_connection_attempt_internal_ip fire "$F" connect4 127.0.0.1 10250
    rule lateral_movement_kubelet_api_connection_attempt_internal_ip miss "$F" connect4 127.0.0.1 "$closed"
    # In a namespace of its own, with a documentation address (TEST-NET-3) on its loopback.
    rule initial_access_ollama_api_external_access fire unshare -n sh -c \
        "ip link set lo up && ip addr add 203.0.113.5/32 dev lo && exec $N/ollama serve4 0.0.0.0 11434 203.0.113.5"
    rule initial_access_ollama_api_external_access miss unshare -n sh -c \
        "ip link set lo up && exec $N/ollama serve4 0.0.0.0 11434 127.0.0.1"
}

group=${1:?usage: scenarios_file_net.sh GROUP [ARGS]}
shift
"group_${group//-/_}" "$@"
