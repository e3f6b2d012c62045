package fr.liaison.routes.directory;

/** The kinds of institution in the network. */
public enum ParticipantKind {
    /** A France Travail territorial direction. */
    FRANCE_TRAVAIL,
    /** A departmental council (conseil départemental) and its social services. */
    DEPARTEMENT,
    /** A municipal social-action centre (centre communal d'action sociale). */
    CCAS
}
