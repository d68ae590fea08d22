/* Grown by hand:
   several rule styles in one file. */
variable "office" {
  type    = list(string)
  default = ["10.0.0.0/8", "192.168.0.0/16"]
}

variable "anywhere" {
  type = string
}

locals {
  debug_cidr = "0.0.0.0/0"
}

resource "aws_security_group" "web" {
  name = "legacy-web"

  ingress {
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.apps.id]
  }

  dynamic "ingress" {
    for_each = var.extra_ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}

resource "aws_security_group" "apps" {
  name_prefix = "apps-"
}

resource "aws_security_group_rule" "ssh_world" {
  type              = "ingress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.web.id
}

resource "aws_security_group_rule" "egress_all" {
  type              = "egress"
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.web.id
}

resource "aws_security_group_rule" "office" {
  type              = "ingress"
  from_port         = 8000
  to_port           = 8010
  protocol          = "6"
  cidr_blocks       = var.office
  prefix_list_ids   = ["pl-63a5400a"]
  security_group_id = aws_security_group.web.id
}

resource "aws_vpc_security_group_ingress_rule" "all_v6" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "-1"
  cidr_ipv6         = "::/0"
  description       = "temporary, remove"
}

resource "aws_vpc_security_group_ingress_rule" "half_a" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "tcp"
  from_port         = 0
  to_port           = 65535
  cidr_ipv4         = "0.0.0.0/1"
}

resource "aws_vpc_security_group_ingress_rule" "half_b" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "tcp"
  from_port         = 0
  to_port           = 65535
  cidr_ipv4         = "128.0.0.0/1"
}

resource "aws_vpc_security_group_ingress_rule" "debug" {
  security_group_id = "sg-0123456789abcdef0"
  ip_protocol       = "tcp"
  from_port         = var.debug_port
  to_port           = var.debug_port
  cidr_ipv4         = local.debug_cidr
}

resource "aws_vpc_security_group_ingress_rule" "from_var" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "udp"
  from_port         = 500
  to_port           = 500
  cidr_ipv4         = var.anywhere
}

resource "aws_vpc_security_group_ingress_rule" "from_apps" {
  security_group_id            = aws_security_group.web.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.apps.id
}

resource "aws_default_security_group" "default" {
  vpc_id = var.vpc_id

  ingress {
    protocol  = -1
    self      = true
    from_port = 0
    to_port   = 0
  }
}

module "bastion_sg" {
  source              = "terraform-aws-modules/security-group/aws"
  version             = "~> 5.0"
  ingress_cidr_blocks = ["0.0.0.0/0"]
  ingress_rules       = ["ssh-tcp"]
}
