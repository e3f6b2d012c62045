-- This node's copy of the social-resources directories (Axe 1) departments publish to it.
CREATE TABLE resource (
    publisher   VARCHAR(20)  NOT NULL,
    resource_id VARCHAR(100) NOT NULL,
    name        VARCHAR(200) NOT NULL,
    thematiques VARCHAR(2000) NOT NULL,
    areas       VARCHAR(400) NOT NULL,
    updated_on  DATE NOT NULL,
    xml         BYTEA NOT NULL,
    PRIMARY KEY (publisher, resource_id)
);
