package fr.liaison.routes.exchange;

public enum Direction {
    OUTBOUND, INBOUND
}
