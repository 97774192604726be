-- The helpdesk's own database beside Temporal's, for docker-compose.yml.
CREATE USER helpdesk WITH PASSWORD 'helpdesk';
CREATE DATABASE helpdesk OWNER helpdesk;
