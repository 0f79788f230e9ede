// One portable schema for both backends: only types both SQLite and PostgreSQL map the same way.

diesel::table! {
    users (id) {
        id -> BigInt,
        role -> Text,
        login -> Text,
        display_name -> Text,
        phone -> Nullable<Text>,
        id_number -> Nullable<Text>,
        credit_code -> Nullable<Text>,
        contact_name -> Nullable<Text>,
        district_code -> Nullable<Text>,
        password_hash -> Text,
        disabled -> Bool,
        created_at -> Timestamp,
        password_changed_at -> Timestamp,
        lang -> Text,
        totp_secret -> Nullable<Text>,
        totp_last_step -> Nullable<BigInt>,
        phone_lookup -> Nullable<Text>,
        id_number_lookup -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        client_ip -> Text,
        user_agent -> Text,
        second_factor_pending -> Bool,
        acting_for -> Nullable<BigInt>,
    }
}

diesel::table! {
    phone_codes (id) {
        id -> BigInt,
        phone -> Text,
        purpose -> Text,
        code_hash -> Text,
        client_ip -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        attempts -> Integer,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    rate_events (id) {
        id -> BigInt,
        bucket -> Text,
        key -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> BigInt,
        user_id -> BigInt,
        code_hash -> Text,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        account_key -> Text,
        client_ip -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    zones (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        district_code -> Text,
        address -> Text,
        kind -> Text,
        status -> Text,
        lon -> Double,
        lat -> Double,
        geometry -> Text,
        hours -> Text,
        categories -> Text,
        banned -> Text,
        stall_width_m -> Double,
        stall_depth_m -> Double,
        fee_yuan_month -> Integer,
        fee_note -> Text,
        managing_unit -> Text,
        contact_phone -> Text,
        site_name -> Nullable<Text>,
        site_contractor -> Nullable<Text>,
        valid_from -> Nullable<Date>,
        valid_until -> Nullable<Date>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    stalls (id) {
        id -> BigInt,
        zone_id -> BigInt,
        number -> Text,
        category -> Text,
        width_m -> Double,
        depth_m -> Double,
        state -> Text,
        holder_id -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    audit_checkpoints (id) {
        id -> BigInt,
        at -> Timestamp,
        day -> Date,
        records -> BigInt,
        head -> Text,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        entity -> Text,
        entity_id -> Text,
        detail -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_head (id) {
        id -> BigInt,
        last_hash -> Text,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(stalls -> zones (zone_id));

diesel::table! {
    data_versions (name) {
        name -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    sensitive_sites (id) {
        id -> BigInt,
        name -> Text,
        kind -> Text,
        district_code -> Nullable<Text>,
        lon -> Double,
        lat -> Double,
        buffer_m -> Double,
        created_at -> Timestamp,
    }
}

diesel::table! {
    stall_applications (id) {
        id -> BigInt,
        applicant_id -> BigInt,
        status -> Text,
        category -> Text,
        preferences -> Text,
        priority_groups -> Text,
        note -> Text,
        district_code -> Nullable<Text>,
        submitted_at -> Nullable<Timestamp>,
        deadline -> Nullable<Date>,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<BigInt>,
        decision_reason -> Text,
        return_items -> Text,
        round_id -> Nullable<BigInt>,
        draw_position -> Nullable<Integer>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        draw_number -> Nullable<Integer>,
    }
}

diesel::table! {
    application_documents (id) {
        id -> BigInt,
        application_id -> BigInt,
        kind -> Text,
        filename -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    calendar_days (day) {
        day -> Date,
        kind -> Text,
        name -> Text,
    }
}

diesel::table! {
    allocation_rounds (id) {
        id -> BigInt,
        name -> Text,
        zone_ids -> Text,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        reserved_percent -> Integer,
        notice_days -> Integer,
        offer_days -> Integer,
        status -> Text,
        seed -> Text,
        seed_commitment -> Text,
        fingerprint -> Nullable<Text>,
        inputs -> Nullable<Text>,
        result -> Nullable<Text>,
        algorithm -> Nullable<Text>,
        opened_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        drawn_at -> Nullable<Timestamp>,
        notice_until -> Nullable<Date>,
        confirmed_at -> Nullable<Timestamp>,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        outside_source -> Text,
        outside_value -> Nullable<Text>,
        applicant_count -> Nullable<Integer>,
        stall_count -> Nullable<Integer>,
        placed_count -> Nullable<Integer>,
    }
}

diesel::table! {
    draw_progress (round_id) {
        round_id -> BigInt,
        stage -> Text,
        done -> Integer,
        total -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    offers (id) {
        id -> BigInt,
        round_id -> Nullable<BigInt>,
        application_id -> BigInt,
        applicant_id -> BigInt,
        stall_id -> BigInt,
        status -> Text,
        offered_at -> Timestamp,
        respond_by -> Timestamp,
        responded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    objections (id) {
        id -> BigInt,
        round_id -> BigInt,
        application_id -> BigInt,
        text -> Text,
        status -> Text,
        answer -> Text,
        answered_by -> Nullable<BigInt>,
        answered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(application_documents -> stall_applications (application_id));
diesel::joinable!(offers -> stalls (stall_id));

diesel::table! {
    street_segments (id) {
        id -> BigInt,
        name -> Text,
        district_code -> Text,
        road_class -> Text,
        zone_class -> Text,
        sidewalk_m -> Double,
        near_homes -> Bool,
        geometry -> Text,
        note -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    policy_versions (id) {
        id -> BigInt,
        version -> Integer,
        status -> Text,
        pack -> Text,
        note -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    shop_filings (id) {
        id -> BigInt,
        merchant_id -> BigInt,
        kind -> Text,
        status -> Text,
        district_code -> Text,
        segment_id -> Nullable<BigInt>,
        payload -> Text,
        evaluation -> Text,
        outcome -> Text,
        policy_version -> Integer,
        area -> Nullable<Text>,
        venue_key -> Nullable<Text>,
        starts_on -> Date,
        ends_on -> Date,
        submitted_at -> Timestamp,
        deadline -> Nullable<Date>,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<BigInt>,
        decision_reason -> Text,
        return_items -> Text,
        permit_id -> Nullable<BigInt>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    permits (id) {
        id -> BigInt,
        kind -> Text,
        holder_id -> BigInt,
        status -> Text,
        verify_code -> Text,
        filing_id -> Nullable<BigInt>,
        application_id -> Nullable<BigInt>,
        zone_id -> Nullable<BigInt>,
        stall_id -> Nullable<BigInt>,
        district_code -> Text,
        title -> Text,
        location -> Text,
        trade -> Text,
        hours -> Text,
        conditions -> Text,
        geometry -> Nullable<Text>,
        valid_from -> Date,
        valid_until -> Date,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        status_reason -> Text,
        revocation_proposed -> Bool,
        reminded_on -> Nullable<Date>,
        version -> Integer,
    }
}

diesel::table! {
    evidence (id) {
        id -> BigInt,
        sha256 -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        uploaded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    inspections (id) {
        id -> BigInt,
        officer_id -> BigInt,
        district_code -> Text,
        permit_id -> Nullable<BigInt>,
        zone_id -> Nullable<BigInt>,
        checklist -> Text,
        notes -> Text,
        result -> Text,
        evidence_ids -> Text,
        lon -> Nullable<Double>,
        lat -> Nullable<Double>,
        policy_version -> Integer,
        created_at -> Timestamp,
        present -> Text,
    }
}

diesel::table! {
    permit_helpers (id) {
        id -> BigInt,
        permit_id -> BigInt,
        name -> Text,
        id_number -> Text,
        id_number_lookup -> Text,
        relation -> Text,
        photo_id -> BigInt,
        status -> Text,
        decided_by -> Nullable<BigInt>,
        decision_note -> Text,
        district_code -> Text,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    assisted_accounts (user_id) {
        user_id -> BigInt,
        officer_id -> BigInt,
        district_code -> Text,
        counter -> Text,
        consent_evidence_id -> BigInt,
        phone_proven -> Bool,
        created_at -> Timestamp,
        takeover_hash -> Nullable<Text>,
        takeover_until -> Nullable<Timestamp>,
        taken_over_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    check_ins (id) {
        id -> BigInt,
        permit_id -> BigInt,
        day -> Date,
        at -> Timestamp,
        lon -> Double,
        lat -> Double,
    }
}

diesel::table! {
    permit_reviews (id) {
        id -> BigInt,
        permit_id -> BigInt,
        kind -> Text,
        reason -> Text,
        status -> Text,
        outcome_note -> Text,
        closed_by -> Nullable<BigInt>,
        district_code -> Text,
        opened_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    violations (id) {
        id -> BigInt,
        permit_id -> BigInt,
        inspection_id -> BigInt,
        code -> Text,
        points -> Integer,
        waived -> Bool,
        status -> Text,
        appeal_until -> Date,
        lapses_on -> Date,
        district_code -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    appeals (id) {
        id -> BigInt,
        violation_id -> BigInt,
        holder_id -> BigInt,
        reason -> Text,
        status -> Text,
        decided_by -> Nullable<BigInt>,
        decision_note -> Text,
        district_code -> Text,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decide_by -> Nullable<Date>,
    }
}

diesel::table! {
    permit_transfers (id) {
        id -> BigInt,
        permit_id -> BigInt,
        from_id -> BigInt,
        to_id -> BigInt,
        relation -> Text,
        status -> Text,
        decided_by -> Nullable<BigInt>,
        note -> Text,
        district_code -> Text,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        kind -> Text,
        cause -> Text,
        document_ids -> Text,
        requested_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        title_zh -> Text,
        title_en -> Text,
        body_zh -> Text,
        body_en -> Text,
        link -> Text,
        dedupe_key -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        subject -> Text,
        district_code -> Nullable<Text>,
        handed_at -> Nullable<Timestamp>,
        handed_by -> Nullable<BigInt>,
        handed_how -> Nullable<Text>,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        notification_id -> BigInt,
        channel -> Text,
        recipient -> Text,
        status -> Text,
        attempts -> Integer,
        last_error -> Text,
        claimed_by -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        body -> Text,
        urgent -> Bool,
        next_attempt_at -> Nullable<Timestamp>,
        claimed_at -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        last_answer -> Text,
        recipient_sealed -> Text,
    }
}

diesel::table! {
    sms_inbound (id) {
        id -> BigInt,
        sender -> Text,
        user_id -> Nullable<BigInt>,
        text -> Text,
        action -> Text,
        result -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    sign_in_devices (user_id, device) {
        user_id -> BigInt,
        device -> Text,
        first_seen -> Timestamp,
    }
}

diesel::table! {
    complaints (id) {
        id -> BigInt,
        token -> Text,
        service_code -> Text,
        description -> Text,
        lon -> Nullable<Double>,
        lat -> Nullable<Double>,
        address -> Text,
        zone_id -> Nullable<BigInt>,
        permit_id -> Nullable<BigInt>,
        district_code -> Text,
        status -> Text,
        status_note -> Text,
        contact -> Text,
        reporter_id -> Nullable<BigInt>,
        evidence_id -> Nullable<BigInt>,
        reopened -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    stored_files (sha256) {
        sha256 -> Text,
        sealed -> Binary,
        created_at -> Timestamp,
    }
}

diesel::table! {
    job_runs (job, slot) {
        job -> Text,
        slot -> Text,
        instance -> Text,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        changed -> Integer,
    }
}

diesel::joinable!(violations -> permits (permit_id));
diesel::joinable!(appeals -> violations (violation_id));
diesel::joinable!(violations -> inspections (inspection_id));
diesel::joinable!(outbox -> notifications (notification_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    stored_files,
    evidence,
    inspections,
    violations,
    appeals,
    permit_transfers,
    permit_helpers,
    permit_reviews,
    check_ins,
    assisted_accounts,
    notifications,
    outbox,
    sms_inbound,
    sign_in_devices,
    complaints,
    job_runs,
    sessions,
    login_failures,
    phone_codes,
    rate_events,
    recovery_codes,
    settings,
    zones,
    stalls,
    audit_log,
    audit_head,
    data_versions,
    sensitive_sites,
    stall_applications,
    application_documents,
    calendar_days,
    allocation_rounds,
    offers,
    objections,
    street_segments,
    policy_versions,
    shop_filings,
    permits
);
