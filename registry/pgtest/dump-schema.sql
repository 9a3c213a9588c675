--
-- The tables of RubyGems.org's weekly public PostgreSQL dump
-- (https://rubygems.org/pages/data), written the way pg_dump writes them.
--
-- Sources: the columns and indexes are RubyGems.org's db/schema.rb
-- (rubygems/rubygems.org; versions 2024_05_22 and 2026_08_18), and the table
-- list is the dump's only_tables in rubygems/rubygems.org-db-backups
-- config/public_postgresql.rb: rubygems, versions, dependencies, linksets,
-- gem_downloads, attestations, deletions.
--
-- Simplified: dependencies and deletions are omitted (mfaudit does not read
-- them); id columns use serial/bigserial instead of pg_dump's CREATE SEQUENCE
-- and ALTER ... SET DEFAULT nextval(...) statements; foreign keys, ownership
-- and the indexes mfaudit's queries do not need are left out. The column
-- names, types, defaults and NOT NULL constraints are the dump's.
--
-- The hstore extension must exist first (pgtest's NewDB creates it).
--

SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SET check_function_bodies = false;
SET client_min_messages = warning;

--
-- Name: rubygems; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.rubygems (
    id serial NOT NULL,
    name character varying,
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    indexed boolean DEFAULT false NOT NULL,
    organization_id bigint
);

--
-- Name: versions; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.versions (
    id serial NOT NULL,
    authors text,
    description text,
    number character varying,
    rubygem_id integer,
    built_at timestamp without time zone,
    updated_at timestamp without time zone,
    summary text,
    platform character varying,
    created_at timestamp without time zone,
    indexed boolean DEFAULT true,
    prerelease boolean,
    "position" integer,
    latest boolean,
    full_name character varying,
    size integer,
    licenses character varying,
    requirements text,
    required_ruby_version character varying,
    sha256 character varying,
    metadata public.hstore DEFAULT ''::public.hstore NOT NULL,
    yanked_at timestamp without time zone,
    required_rubygems_version character varying(255),
    info_checksum character varying,
    yanked_info_checksum character varying,
    pusher_id bigint,
    cert_chain text,
    canonical_number character varying,
    pusher_api_key_id bigint,
    gem_platform character varying,
    gem_full_name character varying,
    spec_sha256 character varying(44)
);

--
-- Name: gem_downloads; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.gem_downloads (
    id serial NOT NULL,
    rubygem_id integer NOT NULL,
    version_id integer NOT NULL,
    count bigint
);

--
-- Name: linksets; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.linksets (
    id serial NOT NULL,
    rubygem_id integer,
    home character varying,
    wiki character varying,
    docs character varying,
    mail character varying,
    code character varying,
    bugs character varying,
    created_at timestamp without time zone,
    updated_at timestamp without time zone
);

--
-- Name: attestations; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.attestations (
    id bigserial NOT NULL,
    version_id bigint NOT NULL,
    body jsonb,
    media_type character varying,
    created_at timestamp(6) without time zone NOT NULL,
    updated_at timestamp(6) without time zone NOT NULL
);

--
-- Constraints and indexes, named as db/schema.rb names them.
--

ALTER TABLE ONLY public.rubygems
    ADD CONSTRAINT rubygems_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.versions
    ADD CONSTRAINT versions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.gem_downloads
    ADD CONSTRAINT gem_downloads_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.linksets
    ADD CONSTRAINT linksets_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.attestations
    ADD CONSTRAINT attestations_pkey PRIMARY KEY (id);

CREATE UNIQUE INDEX index_rubygems_on_name ON public.rubygems USING btree (name);

CREATE INDEX index_rubygems_upcase ON public.rubygems USING btree (upper((name)::text) varchar_pattern_ops);

CREATE UNIQUE INDEX index_versions_on_rubygem_id_and_number_and_platform ON public.versions USING btree (rubygem_id, number, platform);

CREATE INDEX index_versions_on_position_and_rubygem_id ON public.versions USING btree ("position", rubygem_id);

CREATE INDEX index_versions_on_rubygem_id ON public.versions USING btree (rubygem_id);

CREATE UNIQUE INDEX index_gem_downloads_on_rubygem_id_and_version_id ON public.gem_downloads USING btree (rubygem_id, version_id);

CREATE INDEX index_linksets_on_rubygem_id ON public.linksets USING btree (rubygem_id);

CREATE INDEX index_attestations_on_version_id ON public.attestations USING btree (version_id);
