package dev.lintas.broker.mqtt;

/** What reading a CONNECT gives ({@link MqttConnectRequest#read}): the request, or why it is refused. */
sealed interface MqttConnectRead permits MqttConnectRequest, MqttConnectRequest.Refusal {
}
